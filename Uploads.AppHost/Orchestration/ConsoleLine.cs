namespace Uploads.AppHost.Orchestration;

public sealed record ConsoleLine(long Number, DateTimeOffset At, string Text);
