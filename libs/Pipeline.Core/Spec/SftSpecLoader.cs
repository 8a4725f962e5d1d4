using YamlDotNet.RepresentationModel;

namespace Pipeline.Core.Spec;

/// <summary>The outcome of loading an SFT recipe: the document (when it could be read at all) and every problem found.</summary>
public sealed record SftLoadResult(SftDocument? Document, IReadOnlyList<SpecError> Errors)
{
    public bool IsValid => Document is not null && Errors.Count == 0;

    /// <summary>The valid document, or a <see cref="SpecException"/> listing every problem.</summary>
    public SftDocument GetValidOrThrow(string source) => IsValid ? Document! : throw new SpecException(source, Errors);
}

/// <summary>
/// Reads an SFT recipe (<c>kind: Sft</c>) from YAML with the same binder as experiments — syntax errors with line
/// and column, unknown fields with "did you mean", wrong types — then checks ranges and cross-field rules, and
/// reports every problem at once, in file order.
/// </summary>
public static class SftSpecLoader
{
    public static SftLoadResult LoadFile(string path) =>
        File.Exists(path) ? Load(File.ReadAllText(path)) : new SftLoadResult(null, [new SpecError("", $"{path}: no such file")]);

    public static SftLoadResult Load(string yaml)
    {
        var root = SpecLoader.ParseSingleDocument(yaml, "an Sft recipe", out var syntaxError);
        if (root is null) return new SftLoadResult(null, [syntaxError!]);
        var binder = new YamlSpecBinder();
        var document = binder.Bind<SftDocument>(root, "");
        var semantic = Validate(document).Select(e => SpecLoader.WithLine(e, binder.Marks));
        var errors = binder.Errors.Concat(semantic).OrderBy(e => e.Line ?? int.MaxValue).ThenBy(e => e.Column ?? 0);
        return new SftLoadResult(document, [.. errors]);
    }

    /// <summary>Whether the YAML file's top-level <c>kind</c> is <c>Sft</c> (false for anything unreadable).</summary>
    public static bool IsSftFile(string path)
    {
        if (!File.Exists(path)) return false;
        var root = SpecLoader.ParseSingleDocument(File.ReadAllText(path), "a document", out _);
        return root is YamlMappingNode mapping
               && mapping.Children.TryGetValue(new YamlScalarNode("kind"), out var kind)
               && (kind as YamlScalarNode)?.Value == SftDocument.KindValue;
    }

    /// <summary>Semantic checks of a bound recipe; pure (the output folder is only checked for being named).</summary>
    public static IReadOnlyList<SpecError> Validate(SftDocument document)
    {
        var errors = new ErrorCollector();
        if (document.ApiVersion != ExperimentDocument.ApiVersionValue)
            errors.Add("apiVersion", $"expected '{ExperimentDocument.ApiVersionValue}', got '{document.ApiVersion}'");
        if (document.Kind != SftDocument.KindValue) errors.Add("kind", $"expected '{SftDocument.KindValue}', got '{document.Kind}'");
        if (string.IsNullOrEmpty(document.Metadata.Name)) errors.Add("metadata.name", "required; expected a name such as 'tiny-reasoner'");
        var spec = document.Spec;
        CheckModel(spec.Model, errors);
        CheckTask(spec.Task, errors);
        errors.InRange("spec.verbosity.min", spec.Verbosity.Min, 0, 1);
        errors.InRange("spec.verbosity.max", spec.Verbosity.Max, 0, 1);
        if (spec.Verbosity.Min > spec.Verbosity.Max)
            errors.Add("spec.verbosity", $"min ({ErrorCollector.Format(spec.Verbosity.Min)}) must not exceed max ({ErrorCollector.Format(spec.Verbosity.Max)})");
        CheckOptimizer(spec.Optimizer, errors);
        CheckEvaluation(spec.Evaluation, errors);
        errors.Required("spec.output.path", spec.Output.Path, "the model folder to write, e.g. models/tiny-reasoner");
        if (spec.Output.Dtype is ModelDType.Float16) errors.Add("spec.output.dtype", "expected float32 or bfloat16, got float16");
        errors.AtLeast("spec.seed", spec.Seed, 0);
        errors.AtLeast("spec.threads", spec.Threads, 1);
        return errors.Errors;
    }

    private static void CheckModel(SftModelSpec model, ErrorCollector errors)
    {
        const string path = "spec.model";
        errors.AtLeast($"{path}.hiddenSize", model.HiddenSize, 1);
        errors.AtLeast($"{path}.layers", model.Layers, 1);
        errors.AtLeast($"{path}.heads", model.Heads, 1);
        errors.AtLeast($"{path}.kvHeads", model.KvHeads, 1);
        errors.AtLeast($"{path}.intermediateSize", model.IntermediateSize, 1);
        errors.AtLeast($"{path}.headDim", model.HeadDim, 2);
        if (model.HeadDim % 2 != 0) errors.Add($"{path}.headDim", $"must be even (rotary embeddings rotate pairs), got {model.HeadDim}");
        if (model.KvHeads >= 1 && model.Heads % model.KvHeads != 0)
            errors.Add($"{path}.kvHeads", $"must divide heads ({model.Heads}), got {model.KvHeads}");
        errors.Positive($"{path}.ropeTheta", model.RopeTheta);
        errors.Positive($"{path}.initStd", model.InitStd);
    }

    private static void CheckTask(SftTaskSpec task, ErrorCollector errors)
    {
        var source = DataSource.TryParse(task.Source, out var error);
        if (error is not null) errors.Add("spec.task.source", error);
        else if (source is not SyntheticSource { Task: "arith", Split: "train" })
            errors.Add("spec.task.source", $"SFT trains on the built-in task only; expected 'synthetic:arith', got '{task.Source}'");
        errors.AtLeast("spec.task.problems", task.Problems, 1);
        var mix = task.Mix;
        errors.AtLeast("spec.task.mix.easy", mix.Easy, 0);
        errors.AtLeast("spec.task.mix.medium", mix.Medium, 0);
        errors.AtLeast("spec.task.mix.hard", mix.Hard, 0);
        if (mix.Easy + mix.Medium + mix.Hard <= 0) errors.Add("spec.task.mix", "at least one weight must be > 0");
    }

    private static void CheckOptimizer(SftOptimizerSpec optimizer, ErrorCollector errors)
    {
        const string path = "spec.optimizer";
        errors.AtLeast($"{path}.steps", optimizer.Steps, 1);
        errors.AtLeast($"{path}.batchSize", optimizer.BatchSize, 1);
        errors.Positive($"{path}.learningRate", optimizer.LearningRate);
        errors.InRange($"{path}.minLearningRateRatio", optimizer.MinLearningRateRatio, 0, 1);
        errors.AtLeast($"{path}.warmupSteps", optimizer.WarmupSteps, 0);
        if (optimizer.WarmupSteps > optimizer.Steps)
            errors.Add($"{path}.warmupSteps", $"must not exceed steps ({optimizer.Steps}), got {optimizer.WarmupSteps}");
        errors.AtLeast($"{path}.weightDecay", optimizer.WeightDecay, 0);
        errors.InRange($"{path}.beta1", optimizer.Beta1, 0, 1);
        errors.InRange($"{path}.beta2", optimizer.Beta2, 0, 1);
        if (optimizer.Beta1 == 1) errors.Add($"{path}.beta1", "must be < 1");
        if (optimizer.Beta2 == 1) errors.Add($"{path}.beta2", "must be < 1");
        errors.AtLeast($"{path}.maxGradNorm", optimizer.MaxGradNorm, 0);
        errors.AtLeast($"{path}.bucketBatches", optimizer.BucketBatches, 1);
    }

    private static void CheckEvaluation(SftEvaluationSpec evaluation, ErrorCollector errors)
    {
        errors.AtLeast("spec.evaluation.every", evaluation.Every, 0);
        errors.AtLeast("spec.evaluation.problems", evaluation.Problems, 1);
        if (evaluation.Final is not { } final) return;
        const string path = "spec.evaluation.final";
        errors.AtLeast($"{path}.problems", final.Problems, 1);
        errors.AtLeast($"{path}.samples", final.Samples, 1);
        errors.AtLeast($"{path}.temperature", final.Temperature, 0);
        errors.AtLeast($"{path}.passRateSamples", final.PassRateSamples, 0);
        if (final.Budgets.Count == 0) errors.Add($"{path}.budgets", "at least one budget is needed");
        for (var i = 0; i < final.Budgets.Count; i++)
        {
            errors.AtLeast($"{path}.budgets[{i}]", final.Budgets[i], 1);
            if (i > 0 && final.Budgets[i] <= final.Budgets[i - 1])
                errors.Add($"{path}.budgets[{i}]", $"budgets must be strictly increasing; {final.Budgets[i]} follows {final.Budgets[i - 1]}");
        }
    }
}
