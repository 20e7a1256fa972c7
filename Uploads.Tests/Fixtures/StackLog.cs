using Microsoft.Extensions.Logging;

namespace Uploads.Tests.Fixtures;

/// <summary>
/// What the AppHost and every resource printed (Aspire's resource logs), in <c>apphost.log</c> of the stack's state
/// folder: where to look when a stack does not start (keep the folder with <c>UPLOADS_TESTS_KEEP_STATE=1</c>).
/// </summary>
public sealed class StackLog(string path) : ILoggerProvider
{
    readonly Lock gate = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    void Write(string line)
    {
        lock (gate)
        {
            File.AppendAllText(path, line);
        }
    }

    public void Dispose()
    {
    }

    sealed class Logger(StackLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log.Write($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : $"\n{exception}")}\n");
            }
        }
    }
}
