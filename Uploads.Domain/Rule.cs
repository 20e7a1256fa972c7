using System.Linq.Expressions;

namespace Uploads.Domain;

/// <summary>
/// A rule of an entity written once, as an expression: <see cref="For"/> gives it to a query (the database answers it for
/// many rows at once), <see cref="IsMetBy"/> answers it for one entity in memory, from the same expression compiled.
/// </summary>
public class Rule<TEntity, TArgument>
{
    readonly Expression<Func<TEntity, TArgument, bool>> rule;
    readonly Func<TEntity, TArgument, bool> compiled;

    public Rule(Expression<Func<TEntity, TArgument, bool>> rule)
    {
        this.rule = rule;
        compiled = rule.Compile();
    }

    public bool IsMetBy(TEntity entity, TArgument argument) => compiled(entity, argument);

    /// <summary>The rule for one argument, as a filter a LINQ provider translates; the argument becomes a query parameter.</summary>
    public Expression<Func<TEntity, bool>> For(TArgument argument)
    {
        // A member of a captured object, as a C# closure would write it: EF Core sends it as a parameter, not a literal.
        var captured = Expression.Field(Expression.Constant(new Captured(argument)), nameof(Captured.Value));
        var body = new ParameterReplacer(rule.Parameters[1], captured).Visit(rule.Body);
        return Expression.Lambda<Func<TEntity, bool>>(body, rule.Parameters[0]);
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
