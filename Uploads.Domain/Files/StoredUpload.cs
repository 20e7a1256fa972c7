namespace Uploads.Domain.Files;

/// <summary>
/// What to do with a PENDING file given what storage holds at its upload key. One rule for every path that confirms
/// an upload — the client's confirmation, storage's event, the reconciler when the upload window closes — so that bytes
/// that reached storage whole are confirmed whichever of them comes first, and the window only ever expires a file
/// with nothing acceptable at its key.
/// </summary>
public static class StoredUpload
{
    /// <summary>The reason recorded when the reconciler, not a client or storage's event, confirmed the upload.</summary>
    public const string ConfirmedAtWindowClose = "confirmed when its upload window closed: the object was whole in storage";

    /// <param name="storedSize">The object's size, or null when storage holds nothing at the upload key.</param>
    /// <param name="claimedSize">The size a confirming client says it sent; null when storage or the reconciler confirms.</param>
    /// <param name="maxFileBytes">The largest file accepted when the request declared no size.</param>
    /// <param name="grace">How long after the upload URLs expired a file may still wait for its bytes.</param>
    public static UploadJudgement Judge(FileRecord file, long? storedSize, long? claimedSize, long maxFileBytes, DateTimeOffset now, TimeSpan grace)
    {
        UploadRefusal? refusal = storedSize switch
        {
            null => new(UploadRefusal.ObjectMissing, "Nothing has been uploaded for this file yet."),
            _ when claimedSize is not null && storedSize != claimedSize =>
                new(UploadRefusal.SizeMismatch, $"Storage holds {storedSize} bytes; the confirmation says {claimedSize}."),
            _ when file.DeclaredSize is { } declared && declared != storedSize =>
                new(UploadRefusal.SizeMismatch, $"Storage holds {storedSize} bytes; the upload request declared {declared}."),
            _ when storedSize > maxFileBytes =>
                new(UploadRefusal.SizeMismatch, $"Storage holds {storedSize} bytes, over the maximum of {maxFileBytes}."),
            _ => null,
        };

        var verdict = refusal is null ? UploadVerdict.Confirm
            : file.IsUploadWindowClosed(now, grace) ? UploadVerdict.Expire
            : UploadVerdict.Refuse;
        return new UploadJudgement(verdict, refusal);
    }
}

public enum UploadVerdict
{
    /// <summary>The object is whole: the file moves to UPLOADED.</summary>
    Confirm,

    /// <summary>Not (yet) acceptable while the window is open: nothing changes, the client may upload again.</summary>
    Refuse,

    /// <summary>Nothing acceptable once the window closed: what storage holds is discarded and the file EXPIRED.</summary>
    Expire,
}

public sealed record UploadJudgement(UploadVerdict Verdict, UploadRefusal? Refusal);

public sealed record UploadRefusal(string Code, string Detail)
{
    public const string ObjectMissing = "OBJECT_MISSING";
    public const string SizeMismatch = "SIZE_MISMATCH";
}
