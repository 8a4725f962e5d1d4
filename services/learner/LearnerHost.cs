using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Pipeline.Hosting;
using Pipeline.Workers.Embedded;
using Pipeline.Workers.Policy;
using Pipeline.Workers.Runs;

namespace Pipeline.Services.Learner;

/// <summary>The service's parts in order: spec and options, the run (model, data), the bus, the loop, the gRPC service.</summary>
public static class LearnerHost
{
    public static readonly ServicePorts DefaultPorts = new(5062, 9162);

    /// <summary>Starts the learner; throws <see cref="StartupException"/> for a bad spec, options, model or data
    /// before anything listens.</summary>
    public static async Task<RunningServiceHost> StartAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var builder = ServiceHost.CreateBuilder(args, DefaultPorts);
        var configuration = builder.Web.Configuration;
        var (document, _) = ServiceSpec.Load(configuration, "learner");
        var runPath = ServiceSpec.RunDirectory(configuration, "learner");
        var kafka = KafkaOptionsBinding.Required(configuration);
        var options = OptionsBinding.Bind<LearnerServiceOptions>(configuration, LearnerServiceOptions.Section);
        TorchThreads.Apply(options.Threads);
        var setup = ServiceStartup.Load("learner", () => RunSetup.ForService(document, runPath));
        var plan = new RunPlan(document, setup.EvalSets.Count);
        // Versions due for evaluation stay until the evaluator has had them; the rest rotate.
        var policies = new FolderPolicyStore(setup.Run.PoliciesPath, setup.Model.Folder, options.KeepPolicies, version => plan.IsEvaluationStep((int)version));
        var bus = await kafka.ConnectAsync(document.Metadata.Name, "learner", cancellationToken).ConfigureAwait(false);
        var progress = new LearnerProgress(document.Metadata.Name, document.Spec.Optimizer.Steps);

        builder.Web.Services.AddSingleton(_ => setup);
        builder.Web.Services.AddSingleton(_ => bus);
        builder.Web.Services.AddSingleton(policies);
        builder.Web.Services.AddSingleton(progress);
        builder.Web.Services.AddSingleton<LearnerMetrics>();
        builder.AddWorker("learner", (services, stopping) =>
        {
            var loop = new LearnerLoop(setup, bus, policies, progress, services.GetRequiredService<LearnerMetrics>(), options,
                services.GetRequiredService<ILoggerFactory>().CreateLogger("Pipeline.Learner"));
            return loop.RunAsync(stopping);
        });
        return await builder.StartAsync(app =>
        {
            app.MapGrpcService<LearnerService>();
            app.Services.GetRequiredService<LearnerMetrics>();
        }, cancellationToken).ConfigureAwait(false);
    }
}
