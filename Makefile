# Pipeline — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

CONFIG ?= Release
RESULTS := artifacts/test-results
# Extra arguments for `dotnet test`, e.g. make test FILTER='FullyQualifiedName~Verifiers'
FILTER ?=
# Where `make run` writes; a fresh folder each time so a second run never collides with the first.
RUN_DIR ?= runs/quickstart-$(shell date +%Y%m%d-%H%M%S)

.PHONY: help build run run-distributed test test-deps test-fast bench validate-examples crd clean images

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk -F':.*?## ' '{printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}'

SERVICES := rollout reward learner evaluator controller

build: ## Build everything; leaves the CLI as ./bin/pipeline and the four services beside it (bin/pipeline-<service>)
	dotnet build Pipeline.sln -c $(CONFIG)
	dotnet publish cli/Pipeline.Cli.csproj -c $(CONFIG) -o bin --no-build
	@for s in $(SERVICES); do dotnet publish services/$$s -c $(CONFIG) -o bin --no-build >/dev/null || exit 1; done

run: build ## Run the quickstart experiment embedded, on CPU (examples/quickstart.yaml; RUN_DIR=... to choose the folder)
	./bin/pipeline run examples/quickstart.yaml --out $(RUN_DIR)

run-distributed: build ## The quickstart as four service processes over a local Kafka-protocol broker (writes endpoints.json)
	./bin/pipeline run examples/quickstart.yaml --distributed --out $(subst quickstart-,quickstart-distributed-,$(RUN_DIR))

test: ## Run every test suite (installs the service checks' tools first, see test-deps); ends with one summary line
	@scripts/test-deps.sh || echo "test-deps: continuing; the tests that need what is missing will fail saying how to install it"
	@rm -rf $(RESULTS)
	dotnet build Pipeline.sln -c $(CONFIG)
	@dotnet test Pipeline.sln -c $(CONFIG) --no-build --logger trx --results-directory $(RESULTS) \
		$(if $(FILTER),--filter "$(FILTER)") ; status=$$? ; scripts/test-summary.sh $(RESULTS) ; exit $$status

test-deps: ## Install, only if missing, what the checks need: promtool, Node with the gRPC client and k8s-validate npm packages, the Go helm-render tool
	@scripts/test-deps.sh

test-fast: ## Run the tests without the slow end-to-end ones (Category=Slow)
	@$(MAKE) --no-print-directory test FILTER='Category!=Slow'

bench: ## Measure matmul, model throughput and evaluation cost; writes bench/results/*.json and BENCHMARKS.md
	dotnet build bench/Pipeline.Bench -c $(CONFIG)
	dotnet run --project bench/Pipeline.Bench -c $(CONFIG) --no-build -- --root $(CURDIR)

crd: ## Regenerate the Experiment CRD (charts/pipeline/crds) from the C# spec and status types
	dotnet build services/controller -c $(CONFIG) >/dev/null
	services/controller/bin/$(CONFIG)/net10.0/linux-x64/pipeline-controller crd > charts/pipeline/crds/experiments.pipeline.efficient-reasoning.dev.yaml

validate-examples: build ## Validate every example experiment
	@for f in examples/*.yaml; do printf '%s: ' "$$f"; ./bin/pipeline validate "$$f" || exit 1; done

# Container images (docs/images.md). Needs a Docker engine (BuildKit); nothing else in this Makefile does.
REGISTRY ?=
TAG ?= dev
VARIANT ?= cpu
DOCKER ?= docker
# rollout, learner and evaluator follow VARIANT; reward and controller do no torch work and are always cpu.
TORCH_IMAGES := rollout learner evaluator
CPU_IMAGES := reward controller

images: ## Build the service images: make images REGISTRY=registry.example/pipeline TAG=0.1 VARIANT=cpu|cuda (needs a Docker engine)
	@case "$(VARIANT)" in cpu|cuda) ;; *) echo "images: VARIANT must be cpu or cuda, got '$(VARIANT)'" >&2; exit 2;; esac
	@$(DOCKER) info >/dev/null 2>&1 || { echo "images: no Docker engine answers ('$(DOCKER) info' failed); building images needs one (see docs/images.md)" >&2; exit 1; }
	@set -e; for s in $(TORCH_IMAGES); do \
		image="$(if $(REGISTRY),$(REGISTRY)/)pipeline-$$s:$(TAG)$(if $(filter cuda,$(VARIANT)),-cuda)"; \
		echo "== $$image"; \
		$(DOCKER) build -f services/$$s/Dockerfile --build-arg VARIANT=$(VARIANT) -t "$$image" . ; \
	done; \
	for s in $(CPU_IMAGES); do \
		image="$(if $(REGISTRY),$(REGISTRY)/)pipeline-$$s:$(TAG)"; \
		echo "== $$image"; \
		$(DOCKER) build -f services/$$s/Dockerfile --build-arg VARIANT=cpu -t "$$image" . ; \
	done

clean: ## Remove build outputs and test results
	dotnet clean Pipeline.sln -c $(CONFIG) >/dev/null
	rm -rf bin artifacts
