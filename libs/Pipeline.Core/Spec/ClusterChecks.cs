namespace Pipeline.Core.Spec;

/// <summary>Cross-field rules of <see cref="ClusterSpec"/>; each mirrors a <see cref="CelRuleAttribute"/> on the type
/// (the CRD rejects the same spec at <c>kubectl apply</c>), with the field's path and the values in the message.</summary>
internal static class ClusterChecks
{
    /// <summary>Where the run volume is mounted in every pod.</summary>
    public const string RunVolumePath = "/data";

    public static void Check(ClusterSpec cluster, ErrorCollector errors)
    {
        const string p = "spec.cluster";
        var kafka = cluster.Kafka;
        if (kafka.SecurityProtocol is KafkaSecurityProtocol.SaslPlaintext or KafkaSecurityProtocol.SaslSsl
            && (kafka.SaslMechanism is null || string.IsNullOrEmpty(kafka.CredentialsSecret)))
        {
            errors.Add($"{p}.kafka.credentialsSecret", $"SASL needs saslMechanism and credentialsSecret (securityProtocol is {EnumNames.Name(kafka.SecurityProtocol)})");
        }
        if (cluster.Models is { MountPath: var mount } && (mount.TrimEnd('/') is RunVolumePath or "/tmp" || mount.TrimEnd('/').Length == 0))
            errors.Add($"{p}.models.mountPath", $"'{mount}' is taken (the run volume is at {RunVolumePath}, scratch space at /tmp); choose another path such as /models");
        foreach (var (name, pod) in Pods(cluster.Services))
        {
            for (var i = 0; i < pod.Tolerations.Count; i++)
            {
                if (pod.Tolerations[i] is { Operator: TolerationOperator.Exists, Value: not null })
                    errors.Add($"{p}.services.{name}.tolerations[{i}].value", "a toleration with operator Exists takes no value");
            }
        }
    }

    private static IEnumerable<(string Name, ServicePodSpec Pod)> Pods(ServicesSpec services) =>
        [("rollout", services.Rollout), ("reward", services.Reward), ("learner", services.Learner), ("evaluator", services.Evaluator)];
}
