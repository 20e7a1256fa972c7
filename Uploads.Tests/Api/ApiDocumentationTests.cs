using System.Text.Json;
using System.Text.RegularExpressions;
using Uploads.AppHost;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Api;

/// <summary><c>docs/api.md</c> documents exactly the operations the running API's OpenAPI document describes.</summary>
public sealed partial class ApiDocumentationTests(UploadsStack stack)
{
    [Fact]
    public async Task The_contract_page_lists_every_operation_of_the_OpenAPI_document_and_no_other()
    {
        using var document = JsonDocument.Parse(await stack.Client.Http.GetStringAsync("/openapi/v1.json"));
        var served = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(operation => operation.Name is "get" or "post" or "put" or "delete" or "patch")
                .Select(operation => Operation(operation.Name, path.Name)))
            .ToHashSet();
        var documented = OperationHeading().Matches(await File.ReadAllTextAsync(Path.Combine(AppHostPaths.RepositoryRoot, "docs", "api.md")))
            .Select(heading => Operation(heading.Groups["method"].Value, heading.Groups["path"].Value))
            .ToHashSet();

        Assert.True(served.Count > 30, $"the document describes the API ({served.Count} operations)");
        Assert.Empty(served.Except(documented).Order());
        Assert.Empty(documented.Except(served).Order());
    }

    /// <summary>One spelling for both sides: the method in capitals, parameters unnamed, no trailing slash.</summary>
    static string Operation(string method, string path) =>
        $"{method.ToUpperInvariant()} {ParameterPattern().Replace(path, "{}").TrimEnd('/')}";

    [GeneratedRegex(@"^### (?<method>GET|POST|PUT|DELETE|PATCH) (?<path>/\S*)\s*$", RegexOptions.Multiline)]
    private static partial Regex OperationHeading();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex ParameterPattern();
}
