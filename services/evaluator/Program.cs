using Pipeline.Hosting;
using Pipeline.Services.Evaluator;

// The evaluator service: `--spec FILE --run-dir DIR --Kafka:BootstrapServers=HOST:PORT`. Follows the `policy`
// topic, sweeps every token budget of the spec on each evaluation set for the due versions, writes eval.jsonl and
// eval/step-N-SET.json into the run folder and publishes `eval`; gRPC Evaluator.Evaluate / GetResults; /metrics.
return await ServiceMain.RunAsync("evaluator", args, a => EvaluatorHost.StartAsync(a));
