module github.com/perf-toolkit/xk6-perf/tools

go 1.22

require go.k6.io/xk6 v0.13.3

require github.com/Masterminds/semver/v3 v3.1.1 // indirect
