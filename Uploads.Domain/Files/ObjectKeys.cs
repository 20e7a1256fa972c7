namespace Uploads.Domain.Files;

/// <summary>
/// Object keys are made by the server from the tenant and the file id: a client's filename never reaches a key, and two
/// tenants' keys never meet (the tenant id was checked to be key-safe when the token was validated).
/// </summary>
public static class ObjectKeys
{
    public static string For(string tenantId, Guid fileId) => $"tenants/{tenantId}/files/{fileId:N}";
}
