# vanthu — the two commands of the quick start are `go run ./cmd/vanthu serve` and `make test`.

export GOTOOLCHAIN := local

.PHONY: test check build run fmt fuzz bench faults

# test provisions PostgreSQL, an S3 server (versitygw), SoftHSM2, poppler and qpdf when
# missing, runs the checks and every test, then stops what it started.
test:
	./scripts/test.sh

# check runs only the static checks.
check:
	gofmt -l . | (! grep .) || (echo "gofmt needed on the files above"; exit 1)
	go mod tidy -diff || (echo "go.mod/go.sum are not tidy: run go mod tidy"; exit 1)
	go vet ./...
	go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

build:
	go build -o bin/vanthu ./cmd/vanthu

run:
	go run ./cmd/vanthu serve

fmt:
	gofmt -w .

# bench runs the benchmarks that print ratios against a baseline measured in the same run.
bench:
	./scripts/test.sh bench

# faults is the fault-injection suite (faults/): its own PostgreSQL, S3 and three nodes,
# killed and starved while twelve clients work; about 6 minutes, not part of test.
faults:
	VANTHU_FAULTS=1 go test ./faults/ -run TestFaults -count=1 -timeout 20m -v
