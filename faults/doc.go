// Package faults is the fault-injection suite (`make faults`): three `vanthu serve` nodes
// on a private PostgreSQL and S3 server under load through the API while nodes are
// killed, the database and the object store stop, and a file store's disk fills up;
// then every acknowledged answer is checked against the API, the database and the
// bucket. The suite is in the package's tests and runs only with VANTHU_FAULTS=1.
package faults
