using System.Diagnostics;

namespace Uploads.Api.Problems;

public static class TraceIds
{
    /// <summary>The W3C trace id of the request being served, as the contract shows it in <c>trace_id</c>.</summary>
    public static string Current => Activity.Current?.TraceId.ToHexString() ?? "";

    /// <summary>Every response carries its request's W3C <c>traceparent</c>, so a client can find the trace of any answer.</summary>
    public static IApplicationBuilder UseTraceparentResponseHeader(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var activity = Activity.Current;
        if (activity is not null)
        {
            context.Response.OnStarting(() =>
            {
                context.Response.Headers["traceparent"] = activity.Id;
                return Task.CompletedTask;
            });
        }

        return next(context);
    });
}
