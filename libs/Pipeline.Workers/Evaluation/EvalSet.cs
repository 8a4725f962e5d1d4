using Pipeline.Core.Tasks;

namespace Pipeline.Workers.Evaluation;

/// <summary>A named held-out set of problems.</summary>
public sealed record EvalSet(string Name, IReadOnlyList<Problem> Problems);
