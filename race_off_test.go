//go:build !race

package main

// raceDetector tells tests whether they run under the race detector, which slows this service
// about tenfold on the embedded store.
const raceDetector = false
