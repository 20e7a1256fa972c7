using System.Text;
using System.Text.Json;

namespace Uploads.AppHost.Publishing.Kubernetes;

/// <summary>
/// A string value of a template: literal text, with parameters read from the chart's values. Written as a YAML string
/// that Helm fills in: <c>"literal"</c>, or <c>{{ print "http://" .Values.x | quote }}</c>.
/// </summary>
public sealed class HelmValue
{
    readonly List<(string? Literal, string? Expression)> parts = [];

    public static HelmValue Of(string literal) => new HelmValue().Append(literal);

    public HelmValue Append(string literal)
    {
        parts.Add((literal, null));
        return this;
    }

    /// <summary>A Go template operand, e.g. <c>(required "…" .Values.parameters.appOrigin)</c>.</summary>
    public HelmValue AppendExpression(string expression)
    {
        parts.Add((null, expression));
        return this;
    }

    bool IsLiteral => parts.All(part => part.Literal is not null);

    public override string ToString()
    {
        if (IsLiteral)
        {
            return Quote(string.Concat(parts.Select(part => part.Literal)));
        }

        var operands = new StringBuilder();
        foreach (var (literal, expression) in parts)
        {
            operands.Append(' ').Append(literal is not null ? Quote(literal) : expression);
        }

        return $"{{{{ print{operands} | quote }}}}";
    }

    /// <summary>A JSON string: valid as a YAML double-quoted scalar and as a Go template string literal.</summary>
    public static string Quote(string text) => JsonSerializer.Serialize(text);
}
