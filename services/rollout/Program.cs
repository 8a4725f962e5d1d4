using Pipeline.Hosting;
using Pipeline.Services.Rollout;

// A rollout worker: `--spec FILE --Kafka:BootstrapServers=HOST:PORT`. Loads each announced policy version (from the
// shared folder, or streamed from Learner.GetPolicy with --Rollout:LearnerAddress), answers the `prompts` topic with
// whole groups on `rollouts`; gRPC Rollout.Generate / GenerateStream, health and reflection; /metrics.
return await ServiceMain.RunAsync("rollout", args, a => RolloutHost.StartAsync(a));
