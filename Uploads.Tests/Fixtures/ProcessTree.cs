namespace Uploads.Tests.Fixtures;

/// <summary>A process as /proc shows it; the start time tells a live process from a later one that reused its id.</summary>
public sealed record ProcessInfo(int Id, int ParentId, long StartTime, string Command)
{
    public bool IsAlive => ProcessTree.Read(Id) is { } now && now.StartTime == StartTime && !now.IsZombie;

    internal bool IsZombie { get; init; }
}

public static class ProcessTree
{
    /// <summary>Every process descending from <paramref name="rootId"/>, at this moment.</summary>
    public static IReadOnlyList<ProcessInfo> All() =>
    [
        .. Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var id) ? Read(id) : null)
            .OfType<ProcessInfo>(),
    ];

    public static IReadOnlyList<ProcessInfo> DescendantsOf(int rootId)
    {
        var all = All();
        var descendants = new List<ProcessInfo>();
        var parents = new HashSet<int> { rootId };
        bool added;
        do
        {
            var next = all.Where(p => parents.Contains(p.ParentId) && !descendants.Contains(p)).ToList();
            descendants.AddRange(next);
            parents.UnionWith(next.Select(p => p.Id));
            added = next.Count > 0;
        }
        while (added);

        return descendants;
    }

    public static ProcessInfo? Read(int id)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{id}/stat");
            var commandEnd = stat.LastIndexOf(')');
            var fields = stat[(commandEnd + 2)..].Split(' ');
            var command = File.ReadAllText($"/proc/{id}/cmdline").Replace('\0', ' ').Trim();
            // After the command: state, ppid, …; the start time is field 22 of the whole line, 20 after the command.
            return new ProcessInfo(id, int.Parse(fields[1]), long.Parse(fields[19]), command) { IsZombie = fields[0] == "Z" };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
