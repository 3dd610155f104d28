# gensyn-swift: `make demo` runs the main job, `make test` runs every test.
# Both first run scripts/bootstrap (apt packages + the pinned Python venv for test oracles).
SWIFT ?= swift
PRODUCTS := RepOps Verde Swarm SwarmGRPC Delphi Chain ChainRPC Signal SignalCrypto RepOpsBLAS

.PHONY: bootstrap build test test-products demo bench mathcheck clean

bootstrap:
	@scripts/bootstrap

build: bootstrap
	$(SWIFT) build

# Every test, then each library product built alone with explicit import checks (a dependency
# leak fails), then the product dependency-closure check.
test: bootstrap
	$(SWIFT) build --build-tests
	$(SWIFT) test
	$(MAKE) --no-print-directory test-products
	scripts/check-deps

test-products:
	@for p in $(PRODUCTS); do \
	  echo "== swift build --target $$p (alone, explicit import check)"; \
	  $(SWIFT) build --target $$p --explicit-target-dependency-import-check error || exit 1; \
	done

demo: bootstrap
	$(SWIFT) build -c release
	scripts/demo

bench:
	$(SWIFT) build -c release --product gensyn-bench
	.build/release/gensyn-bench --out .build/bench.json

# Accuracy of the RepOps math functions against MPFR (10^6 seeded inputs per function, ~1 min).
# Exhaustive runs over all 2^32 inputs: make -C Tools/mathcheck exhaustive FN=<fn>.
mathcheck: bootstrap
	$(MAKE) -C Tools/mathcheck check

clean:
	rm -rf .build
