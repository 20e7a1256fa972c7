namespace Uploads.Api.Files;

/// <summary>Object keys are made by the server from the file id; a client's filename never reaches a key.</summary>
public static class ObjectKeys
{
    public static string For(Guid fileId) => $"files/{fileId:N}";
}
