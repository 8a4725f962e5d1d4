using Pipeline.Hosting;
using Pipeline.Services.Reward;

// The reward service: `--spec FILE` (an invalid spec exits 2 listing its errors), then gRPC Reward.Score, health and
// reflection on Service:GrpcPort, /metrics on Service:MetricsPort; with Kafka:BootstrapServers it also scores every
// group on the experiment's `rollouts` topic and publishes them on `scored`.
return await ServiceMain.RunAsync("reward", args, a => RewardHost.StartAsync(a));
