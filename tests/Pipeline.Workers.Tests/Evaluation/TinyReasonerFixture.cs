using Pipeline.Core.Spec;
using Pipeline.Core.Tasks;
using Pipeline.Core.Verifiers;
using Pipeline.Model;
using Pipeline.Workers.Evaluation;

namespace Pipeline.Workers.Tests.Evaluation;

/// <summary>The shipped tiny-reasoner, loaded once per test class, with the evaluator `pipeline run` builds for it.</summary>
public sealed class TinyReasonerFixture : IDisposable
{
    public LoadedModel Loaded { get; } = ModelFolder.Load(RepoPaths.InRepo("models/tiny-reasoner"));

    public Prompting Prompting => new(Loaded.Tokenizer, PromptTemplate.Math);

    public BudgetEvaluator Evaluator => new(Loaded.Model, Prompting, Loaded.EosTokenIds, VerifierRegistry.Create(VerifierKind.Math));

    /// <summary>The first <paramref name="count"/> easy problems of the synthetic test split.</summary>
    public static IReadOnlyList<Problem> EasyTestProblems(int count) =>
        ProblemSource.Load("synthetic:arith?split=test", Difficulty.Easy, new FieldsSpec(), count, ".");

    public void Dispose() => Loaded.Dispose();
}
