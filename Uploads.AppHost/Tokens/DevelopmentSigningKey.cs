namespace Uploads.AppHost.Tokens;

/// <summary>
/// The key that signs development tokens: made once, kept in the state directory (readable by its owner only), so the
/// API, the <c>token</c> command and the tests all use the same one across restarts.
/// </summary>
public static class DevelopmentSigningKey
{
    public static string LoadOrCreate(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, "apphost", "token-signing-key");
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = DevelopmentTokenWriter.NewSigningKey();
        File.WriteAllText(path, key);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return key;
    }

    /// <summary>A token for <paramref name="tenant"/> and <paramref name="user"/>, valid for the API this AppHost runs.</summary>
    public static string MintToken(string stateDirectory, string tenant, string user, TimeSpan lifetime) =>
        DevelopmentTokenWriter.Write(LoadOrCreate(stateDirectory), tenant, user, lifetime, DateTimeOffset.UtcNow);
}
