using System.CommandLine;
using Spectre.Console;
using Uploads.Cli.Api;
using Uploads.Cli.Configuration;

namespace Uploads.Cli.Commands;

/// <summary>What every command shares: the connection options, and how a failure is reported and turned into an exit code.</summary>
public static class CommandLine
{
    public const int Succeeded = 0;
    public const int FilesFailed = 1;
    public const int UsageError = 2;
    public const int ApiError = 3;

    public static readonly Option<string?> Api = new("--api") { Description = "The API's URL (else UPLOADS_API, else `uploads login`'s).", Recursive = true };
    public static readonly Option<string?> Token = new("--token")
    {
        Description = "A bearer token for the API, or - to read it from standard input (a token on the command line is visible to every process of the machine; else UPLOADS_TOKEN, else `uploads login`'s).",
        Recursive = true,
    };

    public static ClientSettings Settings(ParseResult parse) => ClientSettings.Resolve(parse.GetValue(Api), TokenFrom(parse));

    /// <summary>The token given with <c>--token</c>; <c>--token -</c> reads it from standard input's first line.</summary>
    public static string? TokenFrom(ParseResult parse) => parse.GetValue(Token) switch
    {
        "-" => Console.In.ReadLine()?.Trim() is { Length: > 0 } line ? line : throw new UsageException("--token - reads the token from standard input, which held none."),
        var token => token,
    };

    /// <summary>Runs a command; a usage problem or a refusal by the API is one red line on stderr and an exit code, not a stack trace.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> command)
    {
        try
        {
            return await command();
        }
        catch (UsageException ex)
        {
            Error(ex.Message);
            return UsageError;
        }
        catch (Exception ex) when (ex is ApiException or HttpRequestException or TransientException)
        {
            Error(ex.Message);
            return ApiError;
        }
        catch (UnauthorizedAccessException ex)
        {
            Error(ex.Message);
            return UsageError;
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
    }

    static void Error(string message)
    {
        if (Console.IsErrorRedirected)
        {
            Console.Error.WriteLine($"uploads: {message}");
            return;
        }

        var stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        stderr.MarkupLineInterpolated($"[red]uploads: {message}[/]");
    }

    /// <summary>A duration as <c>5s</c>, <c>500ms</c>, <c>2m</c> or <c>00:00:05</c>.</summary>
    public static TimeSpan? ParseDuration(string text) =>
        text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) && double.TryParse(text[..^2], System.Globalization.CultureInfo.InvariantCulture, out var ms) && ms >= 0 => TimeSpan.FromMilliseconds(ms),
            _ when text.EndsWith('s') && double.TryParse(text[..^1], System.Globalization.CultureInfo.InvariantCulture, out var s) && s >= 0 => TimeSpan.FromSeconds(s),
            _ when text.EndsWith('m') && double.TryParse(text[..^1], System.Globalization.CultureInfo.InvariantCulture, out var m) && m >= 0 => TimeSpan.FromMinutes(m),
            _ when TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero => span,
            _ => null,
        };

    public static Option<TimeSpan> DurationOption(string name, TimeSpan defaultValue, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (ParseDuration(text) is { } duration)
            {
                return duration;
            }

            result.AddError($"{name} is a duration such as 5s, 500ms or 2m; got '{text}'.");
            return defaultValue;
        },
    };
}
