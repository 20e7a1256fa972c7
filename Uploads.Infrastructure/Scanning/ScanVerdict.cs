namespace Uploads.Infrastructure.Scanning;

/// <param name="Signature">The signature clamd found, such as <c>Win.Test.EICAR_HDB-1</c>; null when the content is clean.</param>
public sealed record ScanVerdict(string? Signature)
{
    public bool IsClean => Signature is null;
}
