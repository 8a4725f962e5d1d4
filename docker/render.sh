#!/usr/bin/env bash
# Writes services/<name>/Dockerfile for every deployable from docker/service.Dockerfile.template.
# The tiny model (the `COPY models/` line) ships only in the images that load a model: rollout, learner, evaluator.
set -euo pipefail
cd "$(dirname "$0")/.."
for service in rollout reward learner evaluator controller; do
    mkdir -p "services/$service"
    case "$service" in
        rollout|learner|evaluator) sed -e "s/{{SERVICE}}/$service/g" ;;
        *) sed -e "s/{{SERVICE}}/$service/g" -e '/^COPY models\//d' ;;
    esac < docker/service.Dockerfile.template > "services/$service/Dockerfile"
done
