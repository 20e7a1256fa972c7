namespace Uploads.Infrastructure.Data;

/// <summary>Names of database objects that code reacts to by name (a unique violation on one of them means something).</summary>
public static class DatabaseNames
{
    /// <summary>At most one PENDING file per declared digest.</summary>
    public const string PendingDigestIndex = "ux_files_pending_declared_sha256";

    /// <summary>At most one batch per external id in a tenant: two requests naming the same new batch make one.</summary>
    public const string BatchExternalIdIndex = "ux_batches_external_id";

    /// <summary>The NOTIFY channel on which a trigger announces every stored transition, with the file id as payload.</summary>
    public const string TransitionChannel = "file_transitions";
}
