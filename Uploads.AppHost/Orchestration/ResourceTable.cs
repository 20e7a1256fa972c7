namespace Uploads.AppHost.Orchestration;

public static class ResourceTable
{
    public static void Write(TextWriter output, IEnumerable<ResourceRunner> runners, OrchestrationContext context)
    {
        string[] header = ["NAME", "KIND", "STATE", "PID", "ENDPOINT", "LOG"];
        var rows = runners
            .Select(r => new[]
            {
                r.Name, r.Resource.Kind, r.State.ToString(), r.Process?.Id.ToString() ?? "-", r.Resource.Endpoint,
                r.Process is null ? "-" : Shorten(context.LogPath(r.Name)),
            })
            .ToList();
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();

        output.WriteLine();
        output.WriteLine(Line(header));
        foreach (var row in rows)
        {
            output.WriteLine(Line(row));
        }

        output.WriteLine();

        static string Shorten(string path) => Path.GetRelativePath(Environment.CurrentDirectory, path) is var relative && !relative.StartsWith("..", StringComparison.Ordinal)
            ? relative
            : path;

        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd();
    }
}
