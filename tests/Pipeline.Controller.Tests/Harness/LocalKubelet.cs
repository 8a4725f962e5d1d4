using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Pipeline.Controller.Tests.FakeApi;

namespace Pipeline.Controller.Tests.Harness;

/// <summary>
/// Plays the Job controller and the kubelet for the fake API server: runs each Job the controller created as the real
/// service processes (services/*/bin), with the Job's own arguments rewritten only where a pod and a test machine
/// differ (paths of mounted volumes, ports, in-cluster host names, the local Kafka-protocol broker), and reports them
/// back in the Job's status as the Job controller would: active, ready, succeeded, failed, Complete and Failed
/// conditions (backoffLimit and the exit-code-2 podFailurePolicy rule), pods ended when a Job is suspended.
/// </summary>
public sealed class LocalKubelet : IAsyncDisposable
{
    private readonly FakeApiServer _api;
    private readonly string _namespace;
    private readonly string _kafka;
    private readonly Dictionary<string, List<Pod>> _pods = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LocalKubelet(FakeApiServer api, string @namespace, string kafka, string root)
    {
        (_api, _namespace, _kafka, Root) = (api, @namespace, kafka, root);
        Ports = new Dictionary<string, int>(StringComparer.Ordinal) { ["learner"] = FreePort(), ["evaluator"] = FreePort() };
        _loop = Task.Run(() => LoopAsync(_stop.Token));
    }

    /// <summary>Stands for the pods' volumes: <c>/data</c> is <c>Root/data</c>, each pod's <c>/etc/pipeline</c> and <c>/tmp</c> its own folder.</summary>
    public string Root { get; }

    /// <summary>The gRPC ports of the learner and the evaluator (fixed, as their Services would be).</summary>
    public IReadOnlyDictionary<string, int> Ports { get; }

    /// <summary>Every pod started, by Job name (a Job's restarts add pods).</summary>
    public IReadOnlyDictionary<string, int> Started => _pods.ToDictionary(p => p.Key, p => p.Value.Count);

    public string Address(string service) => $"http://127.0.0.1:{Ports[service].ToString(CultureInfo.InvariantCulture)}";

    private async Task LoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            foreach (var job in _api.Store.List("jobs", _namespace)) Sync(job);
            try
            {
                await Task.Delay(200, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Sync(JsonObject job)
    {
        var name = job["metadata"]!["name"]!.GetValue<string>();
        var spec = job["spec"]!.AsObject();
        var conditions = job["status"]?["conditions"]?.AsArray().Select(c => c!["type"]!.GetValue<string>()).ToList() ?? [];
        if (conditions.Contains("Complete") || conditions.Contains("Failed")) return;
        var pods = _pods.TryGetValue(name, out var list) ? list : _pods[name] = [];
        var service = job["metadata"]!["labels"]!["app.kubernetes.io/component"]!.GetValue<string>();
        if (spec["suspend"]?.GetValue<bool>() == true)
        {
            foreach (var pod in pods.Where(p => !p.Process.HasExited))
            {
                pod.Killed = true; // deleted by the Job controller, not failed
                pod.Process.Kill(entireProcessTree: true);
            }
            Report(name, pods, spec);
            return;
        }
        var parallelism = spec["parallelism"]?.GetValue<int>() ?? 1;
        var indexed = spec["completionMode"]?.GetValue<string>() == "Indexed";
        for (var index = 0; index < parallelism; index++)
        {
            var running = pods.Where(p => p.Index == index).ToList();
            if (running.Any(p => !p.Process.HasExited)) continue;
            if (running.Any(p => p.Process.ExitCode == 0)) continue; // this index succeeded
            var failed = running.Count(p => p.Process.ExitCode != 0);
            if (failed > 0 && (running[^1].Process.ExitCode == 2 || Failed(pods) > BackoffLimit(spec))) break;
            pods.Add(Start(job, service, index, indexed, pods.Count));
        }
        Report(name, pods, spec);
    }

    private void Report(string name, List<Pod> pods, JsonObject spec)
    {
        var failed = Failed(pods);
        var active = pods.Count(p => !p.Process.HasExited);
        var ready = pods.Count(p => !p.Process.HasExited && File.Exists(p.ReadyFile));
        var succeeded = pods.Count(p => p.Process.HasExited && p.Process.ExitCode == 0);
        var status = new JsonObject { ["active"] = active, ["ready"] = ready, ["succeeded"] = succeeded, ["failed"] = failed };
        var completions = spec["completions"]?.GetValue<int>();
        if (pods.LastOrDefault(p => p.Process.HasExited && p.Process.ExitCode == 2) is not null)
            status["conditions"] = Condition("Failed", "PodFailurePolicy");
        else if (failed > BackoffLimit(spec))
            status["conditions"] = Condition("Failed", "BackoffLimitExceeded");
        else if (completions is { } c && succeeded >= c && active == 0)
            status["conditions"] = Condition("Complete", "Completed");
        var current = _api.Store.Get("jobs", _namespace, name)?["status"];
        if (current is null || !JsonNode.DeepEquals(current, status))
            _api.Store.Modify("jobs", _namespace, name, j => j["status"] = status);
    }

    /// <summary>Pods that failed on their own (not those ended because their Job was suspended).</summary>
    private static int Failed(List<Pod> pods) => pods.Count(p => p.Process.HasExited && p.Process.ExitCode != 0 && !p.Killed);

    private static int BackoffLimit(JsonObject spec) => spec["backoffLimit"]?.GetValue<int>() ?? 6;

    private static JsonArray Condition(string type, string reason) =>
        [new JsonObject { ["type"] = type, ["status"] = "True", ["reason"] = reason, ["message"] = reason }];

    private Pod Start(JsonObject job, string service, int index, bool indexed, int attempt)
    {
        var jobName = job["metadata"]!["name"]!.GetValue<string>();
        var podDir = Directory.CreateDirectory(Path.Combine(Root, "pods", $"{jobName}-{index}-{attempt}")).FullName;
        var container = job["spec"]!["template"]!["spec"]!["containers"]![0]!;
        var configMap = job["spec"]!["template"]!["spec"]!["volumes"]!.AsArray().First(v => v!["configMap"] is not null)!["configMap"]!["name"]!.GetValue<string>();
        var data = _api.Store.Get("configmaps", _namespace, configMap)!["data"]!.AsObject();
        var etc = Directory.CreateDirectory(Path.Combine(podDir, "etc")).FullName;
        foreach (var (file, text) in data) File.WriteAllText(Path.Combine(etc, file), text!.GetValue<string>());
        var ready = Path.Combine(podDir, "ready.json");
        var start = new ProcessStartInfo(Executable(service))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = podDir,
        };
        foreach (var argument in container["args"]!.AsArray().Select(a => a!.GetValue<string>()))
            start.ArgumentList.Add(Rewrite(argument, service, etc, podDir));
        start.ArgumentList.Add($"--Service:ReadyFile={ready}");
        start.ArgumentList.Add("--Kafka:ConsumerSettings:session.timeout.ms=6000");
        if (service != "reward") start.ArgumentList.Add($"--{char.ToUpperInvariant(service[0])}{service[1..]}:Threads=1");
        if (indexed) start.Environment["JOB_COMPLETION_INDEX"] = index.ToString(CultureInfo.InvariantCulture);
        var log = new StreamWriter(Path.Combine(podDir, "log.txt")) { AutoFlush = true };
        log.WriteLine(string.Join(' ', start.ArgumentList.Prepend(start.FileName)));
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new Pod(process, index, ready, log);
    }

    /// <summary>A pod's argument as it must read on this machine.</summary>
    private string Rewrite(string argument, string service, string etc, string podDir)
    {
        var (key, value) = argument.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? (argument[..eq], argument[(eq + 1)..]) : (argument, "");
        return key switch
        {
            "--spec" => $"--spec={value.Replace("/etc/pipeline", etc, StringComparison.Ordinal)}",
            "--run-dir" => $"--run-dir={Path.Combine(Root, "data")}{value["/data".Length..]}",
            "--Service:BindAddress" => "--Service:BindAddress=127.0.0.1",
            "--Service:GrpcPort" => $"--Service:GrpcPort={(Ports.TryGetValue(service, out var port) ? port : 0).ToString(CultureInfo.InvariantCulture)}",
            "--Service:MetricsPort" => "--Service:MetricsPort=0",
            "--Service:LogFormat" => "--Service:LogFormat=simple",
            "--Kafka:BootstrapServers" => $"--Kafka:BootstrapServers={_kafka}",
            // librdkafka's mock cluster has no reliable Admin API: its brokers create topics on first use.
            "--Kafka:Provisioning" => "--Kafka:Provisioning=AutoCreate",
            "--Policy:LearnerAddress" => $"--Policy:LearnerAddress={Address("learner")}",
            "--Policy:Cache" => $"--Policy:Cache={Path.Combine(podDir, "policy-cache")}",
            _ => argument,
        };
    }

    private static string Executable(string service)
    {
        var path = RepoPaths.InRepo($"services/{service}/bin/Release/net10.0/linux-x64/pipeline-{service}");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: build the solution first (make build or dotnet build -c Release)");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The last lines every pod wrote, for a failure message.</summary>
    public string Logs()
    {
        var text = new System.Text.StringBuilder();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "pods"), "log.txt", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"--- {Path.GetFileName(Path.GetDirectoryName(file))} ---");
            string[] lines;
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            using (var reader = new StreamReader(stream)) lines = reader.ReadToEnd().Split('\n');
            foreach (var line in lines.TakeLast(12)) text.AppendLine(line);
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        foreach (var pod in _pods.Values.SelectMany(p => p))
        {
            if (!pod.Process.HasExited) pod.Process.Kill(entireProcessTree: true);
            await pod.Process.WaitForExitAsync();
            pod.Process.Dispose();
            lock (pod.Log) pod.Log.Dispose();
        }
        _stop.Dispose();
    }

    private sealed record Pod(Process Process, int Index, string ReadyFile, StreamWriter Log)
    {
        public bool Killed { get; set; }
    }
}
