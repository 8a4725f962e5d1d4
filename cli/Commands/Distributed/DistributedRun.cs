using System.Globalization;
using System.Text.Json.Nodes;
using Pipeline.Bus;
using Pipeline.Core.Spec;
using Pipeline.Workers.Embedded;

namespace Pipeline.Cli.Commands.Distributed;

/// <summary>How <c>pipeline run --distributed</c> lays out the run.</summary>
/// <param name="Kafka">An existing cluster's bootstrap servers; null starts a local one (librdkafka's mock) in this process.</param>
/// <param name="Rollouts">Rollout worker processes.</param>
/// <param name="Restarts">How often each service may be restarted after it dies (as a Job's backoffLimit).</param>
/// <param name="Threads">LibTorch threads per service process.</param>
/// <param name="StreamPolicies">Rollout and evaluator stream each policy version from the learner's GetPolicy
/// instead of reading the shared folder (as on machines without a shared volume).</param>
internal sealed record DistributedOptions(string? Kafka, int Rollouts, int Restarts, int Threads, bool StreamPolicies = false);

/// <summary>
/// The distributed host on one machine: a Kafka-protocol broker, then the learner, reward, rollout and evaluator
/// services as separate processes on loopback, all pointed at one run folder. Writes <c>endpoints.json</c> as soon
/// as they listen, follows the run through the folder's files, restarts a service that dies (up to
/// <see cref="DistributedOptions.Restarts"/> times, rewriting endpoints.json), and stops every process it started.
/// </summary>
internal sealed class DistributedRun(ExperimentDocument document, RunDirectory run, DistributedOptions options, IRunObserver observer)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(20);
    private int _metricLines;
    private int _evalLines;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var cluster = options.Kafka is null ? new LocalKafkaCluster() : null;
        var kafka = options.Kafka ?? cluster!.BootstrapServers;
        observer.Message(cluster is null ? $"Kafka: {kafka}" : $"Kafka: a local mock cluster at {kafka}");
        var services = Services(kafka);
        try
        {
            observer.Phase("starting services: " + string.Join(", ", services.Select(s => s.Name)));
            foreach (var service in services) service.Start();
            await WaitReadyAsync(services, cancellationToken).ConfigureAwait(false);
            observer.Message($"endpoints: {Endpoints.Write(run.Path, kafka, services)}");
            observer.Phase($"training {document.Spec.Optimizer.Steps} steps");
            while (!Finished())
            {
                cancellationToken.ThrowIfCancellationRequested();
                Follow();
                Supervise(services, kafka);
                await Task.Delay(500, cancellationToken).ConfigureAwait(false);
            }
            Follow();
            return services.Sum(s => s.Restarts);
        }
        finally
        {
            observer.Phase("stopping services");
            foreach (var service in Enumerable.Reverse(services)) await service.StopAsync(StopGrace).ConfigureAwait(false);
            foreach (var service in services) service.Dispose();
        }
    }

    private List<ServiceProcess> Services(string kafka)
    {
        var spec = Path.Combine(run.Path, "spec.yaml");
        string[] common =
        [
            "--spec", spec, "--run-dir", run.Path, $"--Kafka:BootstrapServers={kafka}", "--Kafka:Namespace=local",
            "--Service:GrpcPort=0", "--Service:MetricsPort=0", "--Logging:Console:FormatterName=simple",
            .. options.Kafka is null
                // The mock cannot serve the Admin API; and it keeps a dead member until its session times out.
                ? new[] { "--Kafka:Provisioning=AutoCreate", "--Kafka:ConsumerSettings:session.timeout.ms=6000" }
                : [],
        ];
        string Threads(string section) => $"--{section}:Threads={options.Threads.ToString(CultureInfo.InvariantCulture)}";
        // Streaming needs the learner where the consumers were told it is, across its restarts: a fixed port.
        var learnerPort = options.StreamPolicies ? FreePort() : 0;
        string[] Policy(string consumer) => options.StreamPolicies
            ? [$"--Policy:LearnerAddress=http://127.0.0.1:{learnerPort.ToString(CultureInfo.InvariantCulture)}", "--Policy:Stream=true",
               $"--Policy:Cache={Path.Combine(run.Path, "policy-cache", consumer)}"]
            : [];
        var services = new List<ServiceProcess>
        {
            new("learner", ServiceExecutables.Find("learner"), [.. common, Threads("Learner"), $"--Service:GrpcPort={learnerPort.ToString(CultureInfo.InvariantCulture)}"], run.Path),
            new("reward", ServiceExecutables.Find("reward"), common, run.Path),
        };
        for (var i = 0; i < options.Rollouts; i++)
        {
            var name = $"rollout-{i}";
            services.Add(new(name, ServiceExecutables.Find("rollout"), [.. common, Threads("Rollout"), $"--Rollout:Index={i}", .. Policy(name)], run.Path));
        }
        services.Add(new("evaluator", ServiceExecutables.Find("evaluator"), [.. common, Threads("Evaluator"), .. Policy("evaluator")], run.Path));
        return services;
    }

    // The system's choice of a free loopback port, released for the service to take.
    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitReadyAsync(IReadOnlyList<ServiceProcess> services, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!services.All(s => s.PollReady()))
        {
            if (services.FirstOrDefault(s => s.Exited) is { } dead)
                throw new InvalidOperationException($"{dead.Name} exited with code {dead.ExitCode} while starting ({dead.LogPath}):{Environment.NewLine}{dead.Tail()}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"services not listening after {StartTimeout.TotalMinutes} minutes: {string.Join(", ", services.Where(s => !s.PollReady()).Select(s => s.Name))}");
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }

    // A dead service is restarted like a Job's pod, up to the limit; its new ports go into endpoints.json.
    private void Supervise(IReadOnlyList<ServiceProcess> services, string kafka)
    {
        var rewrite = false;
        foreach (var service in services)
        {
            if (service.Exited)
            {
                if (service.Restarts >= options.Restarts)
                    throw new InvalidOperationException($"{service.Name} exited with code {service.ExitCode} and was restarted {service.Restarts} times already ({service.LogPath}):{Environment.NewLine}{service.Tail()}");
                observer.Message($"{service.Name} exited with code {service.ExitCode}; restarting it ({service.Restarts + 1} of {options.Restarts})");
                service.Start();
            }
            else if (service.GrpcPort == 0 && service.PollReady())
            {
                rewrite = true;
            }
        }
        if (rewrite) Endpoints.Write(run.Path, kafka, services);
    }

    // Shows the learner's new steps and the evaluator's new results as they land in the run folder.
    private void Follow()
    {
        foreach (var line in NewLines(run.MetricsPath, ref _metricLines))
            observer.Step(line.ToDictionary(p => p.Key, p => p.Value is JsonValue v && v.TryGetValue<double>(out var d) ? d : (double?)null), document.Spec.Optimizer.Steps);
        foreach (var line in NewLines(run.EvalPath, ref _evalLines).Where(l => l["budget"]?.GetValue<int>() == document.Spec.Evaluation.Budgets.Max()))
            observer.Message($"eval step {line["step"]} {line["dataset"]}: Mean@{line["samples"]} {line["mean_at_k"]?.GetValue<double>():P1} at {line["budget"]} tokens, mean length {line["mean_length"]?.GetValue<double>():F1}");
    }

    /// <summary>Done when the last step's evaluation is written for every set (or, without sets, its checkpoint).</summary>
    private bool Finished()
    {
        var steps = document.Spec.Optimizer.Steps;
        if (document.Spec.Data.Eval.Count == 0) return run.CompleteCheckpoints().Contains(steps);
        var done = CompleteLines(run.EvalPath).Where(l => l["step"]?.GetValue<int>() == steps).Select(l => l["dataset"]?.GetValue<string>()).ToHashSet();
        return document.Spec.Data.Eval.All(e => done.Contains(e.Name)) && File.Exists(Path.Combine(run.CheckpointPath(steps), RunDirectory.LearnerStateFile));
    }

    private static IEnumerable<JsonObject> NewLines(string path, ref int seen)
    {
        var lines = CompleteLines(path);
        // A restarted learner rewrites lines after its checkpoint: start over from what is there.
        if (lines.Count < seen) seen = 0;
        var fresh = lines.Skip(seen).ToList();
        seen = lines.Count;
        return fresh;
    }

    // Whole lines only: a writer may be in the middle of the last one.
    private static List<JsonObject> CompleteLines(string path)
    {
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        var end = text.LastIndexOf('\n');
        return end < 0 ? [] : text[..end].Split('\n').Where(l => l.Trim().Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
    }
}
