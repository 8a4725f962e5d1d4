using Pipeline.Core.Spec;
using Pipeline.Core.Tasks;
using Pipeline.Model;
using Pipeline.Workers.Evaluation;

namespace Pipeline.Workers.Embedded;

/// <summary>
/// Everything a run needs, loaded and checked before any work starts: the model folder (weights, tokenizer that fits
/// the embedding), the training candidates, the evaluation sets, and the run folder. Any problem throws with a
/// message that names the file or field.
/// </summary>
public sealed class RunSetup : IDisposable
{
    private RunSetup(ExperimentDocument document, LoadedModel model, IReadOnlyList<Problem> candidates, IReadOnlyList<EvalSet> evalSets, RunDirectory run)
        => (Document, Model, Candidates, EvalSets, Run) = (document, model, candidates, evalSets, run);

    public ExperimentDocument Document { get; }
    public ExperimentSpec Spec => Document.Spec;
    public LoadedModel Model { get; }
    public IReadOnlyList<Problem> Candidates { get; }
    public IReadOnlyList<EvalSet> EvalSets { get; }
    public RunDirectory Run { get; }

    /// <param name="outDirectory">The run folder; default <c>runs/&lt;metadata.name&gt;</c>.</param>
    /// <param name="resume">Continue the run in the folder from its last checkpoint.</param>
    public static RunSetup Prepare(ExperimentDocument document, string specText, string? outDirectory, bool resume)
    {
        var spec = document.Spec;
        var runPath = outDirectory ?? Path.Combine("runs", document.Metadata.Name);
        CheckRunFolder(runPath, resume);
        var candidates = ProblemSource.Load(spec.Data.Train.Source, spec.Data.Train.Difficulty, spec.Data.Train.Fields, spec.Data.Train.Size, ".");
        var evalSets = spec.Data.Eval.Select(e => new EvalSet(e.Name,
            ProblemSource.Load(e.Source, e.Difficulty ?? spec.Data.Train.Difficulty, e.Fields, e.Size, "."))).ToList();
        var model = ModelFolder.Load(spec.Model.Path);
        var problems = candidates.Concat(evalSets.SelectMany(s => s.Problems)).ToList();
        CheckPromptsFit(model, problems, spec);
        var run = new RunDirectory(runPath);
        if (!resume) File.WriteAllText(run.SpecPath, specText);
        return new RunSetup(document, model, candidates, evalSets, run);
    }

    /// <summary>
    /// A service's view of a run (the learner, the evaluator): the run folder is shared and already set up by
    /// whoever launched the run, or is being continued after a restart, so it is neither checked nor written here.
    /// </summary>
    public static RunSetup ForService(ExperimentDocument document, string runPath, bool loadTrainingData = true)
    {
        var spec = document.Spec;
        var candidates = loadTrainingData
            ? ProblemSource.Load(spec.Data.Train.Source, spec.Data.Train.Difficulty, spec.Data.Train.Fields, spec.Data.Train.Size, ".")
            : [];
        var evalSets = spec.Data.Eval.Select(e => new EvalSet(e.Name,
            ProblemSource.Load(e.Source, e.Difficulty ?? spec.Data.Train.Difficulty, e.Fields, e.Size, "."))).ToList();
        var model = ModelFolder.Load(spec.Model.Path);
        CheckPromptsFit(model, candidates.Concat(evalSets.SelectMany(s => s.Problems)).ToList(), spec);
        return new RunSetup(document, model, candidates, evalSets, new RunDirectory(runPath));
    }

    private static void CheckRunFolder(string path, bool resume)
    {
        var checkpoints = Path.Combine(path, "checkpoints");
        var hasRun = File.Exists(Path.Combine(path, "metrics.jsonl")) || File.Exists(Path.Combine(path, "spec.yaml"));
        if (resume && !Directory.Exists(checkpoints))
            throw new DirectoryNotFoundException($"{path}: nothing to resume (no checkpoints folder)");
        if (!resume && hasRun)
            throw new IOException($"{path} already holds a run; use --resume to continue it or --out to choose another folder");
    }

    // A prompt the tokenizer cannot express, or one longer than the model's context, fails here rather than mid-run.
    private static void CheckPromptsFit(LoadedModel model, IReadOnlyList<Problem> problems, ExperimentSpec spec)
    {
        var prompting = new Prompting(model.Tokenizer, spec.Data.Train.PromptTemplate is { } t ? new PromptTemplate(t) : PromptTemplate.Math);
        var longest = problems.Take(2000).Select(p => prompting.Encode(p).Ids.Count).DefaultIfEmpty(0).Max();
        var evaluation = spec.Evaluation.Budgets.DefaultIfEmpty(0).Max()
            + (spec.Evaluation.Mode == EvaluationMode.ForceAnswer ? ForcedAnswer.For(model.Tokenizer).MaxSuffixTokens + ForcedAnswer.DefaultMaxTokens : 0);
        var budget = Math.Max(spec.Rollout.MaxTokens, evaluation);
        if (longest + budget > model.Config.MaxPositionEmbeddings)
            throw new InvalidDataException(
                $"{spec.Model.Path}: prompts of up to {longest} tokens plus {budget} new tokens exceed the model's max_position_embeddings ({model.Config.MaxPositionEmbeddings})");
    }

    public void Dispose() => Model.Dispose();
}
