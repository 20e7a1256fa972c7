using System.ComponentModel.DataAnnotations;

namespace Uploads.Api.StorageEvents;

public sealed class StorageEventOptions
{
    public const string Section = "StorageEvents";

    /// <summary>
    /// The token storage sends its object events with (<c>Authorization: Bearer …</c>; MinIO's webhook
    /// <c>auth_token</c>). Unset, the endpoint does not exist and only clients confirm uploads.
    /// </summary>
    [MinLength(32)]
    public string? Secret { get; set; }
}
