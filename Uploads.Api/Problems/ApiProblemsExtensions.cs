using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Uploads.Api.Problems;

public static class ApiProblemsExtensions
{
    /// <summary>
    /// Every error is RFC 9457 problem details with a stable <c>code</c> and the request's <c>trace_id</c>:
    /// handlers' own problems, malformed requests caught by binding, unknown routes, and unexpected exceptions alike.
    /// </summary>
    public static IHostApplicationBuilder AddApiProblemDetails(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            problem.Extensions.Remove("traceId");
            problem.Extensions["trace_id"] = TraceIds.Current is { Length: > 0 } traceId ? traceId : context.HttpContext.TraceIdentifier;
            problem.Extensions.TryAdd("code", ProblemCodes.ForStatus(problem.Status ?? context.HttpContext.Response.StatusCode));
        });
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        // Malformed bodies and parameters throw, so the exception handler can explain them; by default they are a bare 400.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return builder;
    }

    public static ProblemHttpResult Problem(int status, string code, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["code"] = code });

    public static ValidationProblem Invalid(IReadOnlyDictionary<string, string[]> errors, string code = ProblemCodes.ValidationFailed) =>
        TypedResults.ValidationProblem(errors, detail: "One or more fields are invalid.", extensions: new Dictionary<string, object?> { ["code"] = code });
}

sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, code, detail) = Innermost(exception) switch
        {
            BadHttpRequestException bad => (bad.StatusCode, ProblemCodes.ForStatus(bad.StatusCode), Explain(bad)),
            _ when DependencyOutage.IsOutage(exception) =>
                (StatusCodes.Status503ServiceUnavailable, ProblemCodes.ServiceUnavailable, "A service this API depends on is unavailable; try again shortly."),
            _ => (StatusCodes.Status500InternalServerError, ProblemCodes.InternalError, "An unexpected error occurred."),
        };

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            logger.LogWarning("Dependency unavailable for {Method} {Path}: {Message}", httpContext.Request.Method, httpContext.Request.Path, exception.Message);
            httpContext.Response.Headers.RetryAfter = "2";
        }
        else if (status >= 500)
        {
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = status,
                Detail = detail,
                Extensions = { ["code"] = code },
            },
        });
    }

    /// <summary>
    /// Minimal APIs wrap what Kestrel says of the body (413 when it is too large) in a 400 of their own: the innermost
    /// bad-request exception says what really happened.
    /// </summary>
    static Exception Innermost(Exception exception)
    {
        var innermost = exception;
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is BadHttpRequestException)
            {
                innermost = inner;
            }
        }

        return innermost;
    }

    static string Explain(BadHttpRequestException exception) => exception.InnerException switch
    {
        JsonException { Path: { Length: > 0 } path } => $"The request body is not valid JSON for this endpoint (at {path}).",
        JsonException => "The request body is not valid JSON.",
        _ when exception.StatusCode == StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
        _ => exception.Message,
    };
}
