using Microsoft.Net.Http.Headers;

namespace Uploads.Api.Reads;

/// <summary>Conditional reads of content whose ETag is known before any byte is read (a SHA-256 recorded when it was made).</summary>
static class EntityTags
{
    /// <summary>
    /// 304 Not Modified with the tag, when the request's If-None-Match names it (weakly, as RFC 9110 §13.1.2 compares) or
    /// is <c>*</c>; null when the content is to be sent.
    /// </summary>
    public static IResult? NotModified(HttpContext http, EntityTagHeaderValue entityTag)
    {
        if (http.Request.GetTypedHeaders().IfNoneMatch is not { Count: > 0 } ifNoneMatch
            || !ifNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(entityTag, useStrongComparison: false)))
        {
            return null;
        }

        http.Response.Headers.ETag = entityTag.ToString();
        return TypedResults.StatusCode(StatusCodes.Status304NotModified);
    }
}
