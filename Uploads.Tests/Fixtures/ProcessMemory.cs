namespace Uploads.Tests.Fixtures;

/// <summary>A process's resident memory from /proc: now (VmRSS) and its peak (VmHWM), which can be reset.</summary>
public static class ProcessMemory
{
    public static long Resident(int processId) => Read(processId, "VmRSS:");

    public static long Peak(int processId) => Read(processId, "VmHWM:");

    /// <summary>
    /// Resident memory that is the process's own (RssAnon: heaps, stacks, buffers), apart from the pages of files it maps
    /// (RssFile: its libraries and the runtime's, shared with every process that maps them).
    /// </summary>
    public static (long Private, long FileBacked) Split(int processId) => (Read(processId, "RssAnon:"), Read(processId, "RssFile:"));

    /// <summary>Starts the peak afresh from the current resident size (Linux: "5" to clear_refs).</summary>
    public static void ResetPeak(int processId) => File.WriteAllText($"/proc/{processId}/clear_refs", "5");

    static long Read(int processId, string field)
    {
        var line = File.ReadLines($"/proc/{processId}/status").Single(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0]) * 1024;
    }
}
