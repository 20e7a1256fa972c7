namespace Uploads.Benchmarks;

/// <summary>
/// CPU time spent by services, from /proc. A service is the process the AppHost started and everything under it: the
/// processes of its session (the AppHost starts each service in a session of its own, its pid the session's id) and
/// its descendants by parent, which catches PostgreSQL's backends, each of which makes a session of its own. Time of
/// children that ended and were waited for is counted by their parent (cutime, cstime).
/// </summary>
public static class ServiceCpu
{
    /// <summary>Clock ticks per second of /proc's times: USER_HZ, 100 on Linux.</summary>
    const double TicksPerSecond = 100;

    public static TimeSpan Of(IReadOnlyCollection<int> servicePids)
    {
        var processes = new Dictionary<int, (int Parent, int Session, long Ticks)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                continue; // The process ended meanwhile.
            }

            // The name, in parentheses, may hold spaces: the fields that follow start after its last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            processes[pid] = (int.Parse(fields[1]), int.Parse(fields[3]),
                long.Parse(fields[11]) + long.Parse(fields[12]) + long.Parse(fields[13]) + long.Parse(fields[14]));
        }

        bool IsUnderAService(int pid)
        {
            for (var current = pid; processes.TryGetValue(current, out var process); current = process.Parent)
            {
                if (servicePids.Contains(current) || servicePids.Contains(process.Session))
                {
                    return true;
                }
            }

            return false;
        }

        var ticks = processes.Where(p => IsUnderAService(p.Key)).Sum(p => p.Value.Ticks);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
