using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Pipeline.Bus;
using Pipeline.Core.Verifiers;
using Pipeline.Hosting;
using Pipeline.Workers.Embedded;
using Pipeline.Workers.Evaluation;
using Pipeline.Workers.Policy;
using Pipeline.Workers.Runs;

namespace Pipeline.Services.Evaluator;

/// <summary>The service's parts in order: spec and options, the run (model, evaluation sets), the bus, the loop, the gRPC service.</summary>
public static partial class EvaluatorHost
{
    public static readonly ServicePorts DefaultPorts = new(5063, 9163);

    /// <summary>Starts the evaluator; throws <see cref="StartupException"/> for a bad spec, options, model or data
    /// before anything listens.</summary>
    public static async Task<RunningServiceHost> StartAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var builder = ServiceHost.CreateBuilder(args, DefaultPorts);
        var configuration = builder.Web.Configuration;
        var (document, _) = ServiceSpec.Load(configuration, "evaluator");
        var runPath = ServiceSpec.RunDirectory(configuration, "evaluator");
        var kafka = KafkaOptionsBinding.Required(configuration);
        var options = OptionsBinding.Bind<EvaluatorServiceOptions>(configuration, EvaluatorServiceOptions.Section);
        TorchThreads.Apply(options.Threads);
        var setup = ServiceStartup.Load("evaluator", () => RunSetup.ForService(document, runPath, loadTrainingData: false));
        var policies = PolicyStores.ForConsumer(OptionsBinding.Bind<PolicySourceOptions>(configuration, PolicySourceOptions.Section, o => o.Validate()), document.Metadata.Name, "evaluator");
        var bus = await kafka.ConnectAsync(document.Metadata.Name, "evaluator", cancellationToken).ConfigureAwait(false);
        var state = new EvaluatorState();

        builder.Web.Services.AddSingleton(_ => setup);
        builder.Web.Services.AddSingleton(_ => bus);
        builder.Web.Services.AddSingleton(state);
        builder.Web.Services.AddSingleton<EvaluatorMetrics>();
        builder.AddWorker("evaluator", (services, stopping) => RunWorkerAsync(setup, options, bus, policies, state,
            services.GetRequiredService<EvaluatorMetrics>(), services.GetRequiredService<ILoggerFactory>().CreateLogger("Pipeline.Evaluator"), stopping));
        return await builder.StartAsync(app =>
        {
            app.MapGrpcService<EvaluatorService>();
            app.Services.GetRequiredService<EvaluatorMetrics>();
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task RunWorkerAsync(RunSetup setup, EvaluatorServiceOptions options, KafkaBus bus, IPolicyStore policies, EvaluatorState state,
        EvaluatorMetrics metrics, ILogger log, CancellationToken stopping)
    {
        var completion = EvaluationCompletion.For(setup.Spec);
        completion.ReadRunFolder(setup.Run);
        if (options.ExitWhenDone && completion.IsDone)
        {
            LogDone(log, completion, "already in the run folder");
            return;
        }
        var plan = new RunPlan(setup.Document, setup.EvalSets.Count);
        var model = setup.Model;
        var prompting = plan.Prompting(model.Tokenizer);
        var evaluator = new BudgetEvaluator(model.Model, prompting, model.EosTokenIds, VerifierRegistry.Create(setup.Spec.Reward.Verifier));
        using var worker = new EvaluatorWorker(bus, model.Model, evaluator, policies, setup.EvalSets, plan.Evaluation(), plan.IsEvaluationStep)
        {
            WeightSyncSeconds = metrics.WeightSyncSeconds.Observe,
            Evaluated = metrics.Record,
        };
        state.Worker = worker;
        var progress = new Progress<string>(line => LogLine(log, line));
        while (!stopping.IsCancellationRequested)
        {
            IReadOnlyList<(int Step, long Version, EvaluationReport Report)> reports;
            await state.Turn.WaitAsync(stopping).ConfigureAwait(false);
            try
            {
                reports = await worker.ProcessAvailableAsync(progress, stopping).ConfigureAwait(false);
            }
            finally
            {
                state.Turn.Release();
            }
            foreach (var (step, version, report) in reports)
            {
                setup.Run.AppendEvaluation(step, version, report);
                state.Add(EvaluatorWorker.ToMessage(worker.Announced[version], report));
                metrics.Step.Set(step);
                var top = report.Budgets[^1];
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"eval step {step} {report.Dataset}: Mean@{report.SamplesPerProblem} {top.MeanAtK:P1} at {top.Budget} tokens, mean length {top.Lengths.Overall.Mean:F1}");
                LogLine(log, line);
                completion.Record(step, report);
            }
            if (options.ExitWhenDone && completion.IsDone)
            {
                LogDone(log, completion, "written");
                return;
            }
            if (reports.Count == 0) await Task.Delay(200, stopping).ConfigureAwait(false);
        }
    }

    private static void LogDone(ILogger log, EvaluationCompletion completion, string where)
    {
        if (completion.Sets.Count == 0) LogNothingToEvaluate(log);
        else LogFinalEvaluations(log, completion.FinalStep, completion.Sets, where);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "no evaluation sets in the spec: nothing to evaluate; exiting (Evaluator:ExitWhenDone)")]
    private static partial void LogNothingToEvaluate(ILogger log);

    [LoggerMessage(Level = LogLevel.Information, Message = "final evaluations (step {Step}: {Sets}) {Where}; exiting (Evaluator:ExitWhenDone)")]
    private static partial void LogFinalEvaluations(ILogger log, int step, IReadOnlyList<string> sets, string where);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Line}")]
    private static partial void LogLine(ILogger log, string line);
}
