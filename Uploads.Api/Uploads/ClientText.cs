using System.Globalization;
using System.Text;

namespace Uploads.Api.Uploads;

/// <summary>
/// Text a client hands over that the service stores and shows to people again (filenames, external ids, media types):
/// refused when it holds what PostgreSQL cannot store (NUL, an unpaired surrogate) or what misleads a reader or a
/// header (control characters such as CR/LF, bidi overrides, zero-width and other invisible format characters).
/// </summary>
public static class ClientText
{
    static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool IsSafe(string text)
    {
        foreach (var character in text)
        {
            if (char.IsControl(character) || CharUnicodeInfo.GetUnicodeCategory(character) == UnicodeCategory.Format)
            {
                return false;
            }
        }

        try
        {
            Strict.GetByteCount(text);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }
}
