namespace Uploads.Benchmarks;

/// <summary>
/// CPU time spent by the processes of sessions, from /proc: the AppHost starts every service in a session of its own
/// (its pid is the session's id), so a session counts PostgreSQL's backends or RabbitMQ's helpers with their parent.
/// Time of children that ended and were waited for is counted by their parent (cutime, cstime).
/// </summary>
public static class SessionCpu
{
    /// <summary>Clock ticks per second of /proc's times: USER_HZ, 100 on Linux.</summary>
    const double TicksPerSecond = 100;

    public static TimeSpan Of(IReadOnlyCollection<int> sessionIds)
    {
        long ticks = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out _))
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
            if (sessionIds.Contains(int.Parse(fields[3])))
            {
                ticks += long.Parse(fields[11]) + long.Parse(fields[12]) + long.Parse(fields[13]) + long.Parse(fields[14]);
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
