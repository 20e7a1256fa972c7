using System.Linq.Expressions;

namespace Uploads.Domain.Files;

/// <summary>
/// A rule of the file written once, as an expression: <see cref="For"/> gives it to a query (the database answers it for
/// many files at once), <see cref="IsMetBy"/> answers it for one file in memory, from the same expression compiled.
/// </summary>
public sealed class FileRule<TArgument>
{
    readonly Expression<Func<FileRecord, TArgument, bool>> rule;
    readonly Func<FileRecord, TArgument, bool> compiled;

    public FileRule(Expression<Func<FileRecord, TArgument, bool>> rule)
    {
        this.rule = rule;
        compiled = rule.Compile();
    }

    public bool IsMetBy(FileRecord file, TArgument argument) => compiled(file, argument);

    /// <summary>The rule for one argument, as a filter a LINQ provider translates; the argument becomes a query parameter.</summary>
    public Expression<Func<FileRecord, bool>> For(TArgument argument)
    {
        // A member of a captured object, as a C# closure would write it: EF Core sends it as a parameter, not a literal.
        var captured = Expression.Field(Expression.Constant(new Captured(argument)), nameof(Captured.Value));
        var body = new ParameterReplacer(rule.Parameters[1], captured).Visit(rule.Body);
        return Expression.Lambda<Func<FileRecord, bool>>(body, rule.Parameters[0]);
    }

    sealed class Captured(TArgument value)
    {
        public readonly TArgument Value = value;
    }

    sealed class ParameterReplacer(ParameterExpression parameter, Expression replacement) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? replacement : node;
    }
}
