namespace Uploads.Infrastructure.Scanning;

/// <summary>clamd could not be reached or gave no verdict: the sync is retried, never settled unscanned.</summary>
public sealed class ScannerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
