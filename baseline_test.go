package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"go.mongodb.org/mongo-driver/bson"
	mongodriver "go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// baseline is what the store and the queue do raw, measured in the same run as a benchmark and
// through the same connection: the benchmarks report their figures beside it, and the ratio is
// what holds on a noisy machine.
type baseline struct {
	FindByID   float64 // findOne by _id, documents of declaration size, per second
	UpdateByID float64 // updateOne by _id ($set of a field), per second
	InsertMany float64 // documents per second inserted 1,000 at a time
	Tasks      float64 // asynq tasks enqueued and processed (no-op handler), per second
}

// rawBaseline measures the baseline on the service's own store connection and Redis, for about
// a second each.
func rawBaseline(tb testing.TB, s *service) baseline {
	tb.Helper()
	ctx := context.Background()
	coll := s.main.store.Database().Collection("baseline")
	// A declaration as stored is about 3 KB of fields and text.
	doc := func(id string) bson.M {
		return bson.M{"_id": id, "kind": "inventory", "status": "submitted", "version": 1,
			"text": strings.Repeat("申报清单 inventory list ", 120)}
	}
	const n = 400
	docs := make([]any, n)
	for i := range docs {
		docs[i] = doc(fmt.Sprintf("b%05d", i))
	}
	if _, err := coll.InsertMany(ctx, docs); err != nil {
		tb.Fatal(err)
	}
	rate := func(what string, op func(i int) error) float64 {
		start, ops := time.Now(), 0
		for time.Since(start) < time.Second {
			if err := op(ops); err != nil {
				tb.Fatalf("%s: %v", what, err)
			}
			ops++
		}
		return float64(ops) / time.Since(start).Seconds()
	}
	var b baseline
	b.FindByID = rate("findOne", func(i int) error {
		var out bson.M
		return coll.FindOne(ctx, bson.M{"_id": fmt.Sprintf("b%05d", i%n)}).Decode(&out)
	})
	b.UpdateByID = rate("updateOne", func(i int) error {
		_, err := coll.UpdateOne(ctx, bson.M{"_id": fmt.Sprintf("b%05d", i%n)}, bson.M{"$set": bson.M{"status": fmt.Sprint(i)}})
		return err
	})
	batches := rate("insertMany", func(i int) error {
		many := make([]any, 1000)
		for j := range many {
			many[j] = doc(fmt.Sprintf("m%04d-%04d", i, j))
		}
		_, err := coll.InsertMany(ctx, many, options.InsertMany().SetOrdered(false))
		return err
	})
	b.InsertMany = batches * 1000
	b.Tasks = rawTasks(tb, s)
	if err := coll.Drop(ctx); err != nil && !mongodriver.IsTimeout(err) {
		tb.Fatal(err)
	}
	tb.Logf("raw baseline on this store and Redis: findOne by _id %.0f/s, updateOne by _id %.0f/s, insertMany %.0f documents/s, asynq enqueue+process %.0f tasks/s",
		b.FindByID, b.UpdateByID, b.InsertMany, b.Tasks)
	return b
}

// rawTasks enqueues 2,000 asynq tasks on a queue of their own and processes them with a no-op
// handler at the service's worker concurrency: tasks per second, enqueue to done.
func rawTasks(tb testing.TB, s *service) float64 {
	tb.Helper()
	const n = 2000
	queue := s.main.cfg.Queue + "-baseline"
	var done atomic.Int64
	var wg sync.WaitGroup
	wg.Add(n)
	server := asynq.NewServerFromRedisClient(s.main.rdb, asynq.Config{Concurrency: max(s.main.cfg.WorkerConcurrency, 1),
		Queues: map[string]int{queue: 1}, LogLevel: asynq.FatalLevel})
	mux := asynq.NewServeMux()
	mux.HandleFunc("noop", func(context.Context, *asynq.Task) error {
		if done.Add(1) <= n {
			wg.Done()
		}
		return nil
	})
	if err := server.Start(mux); err != nil {
		tb.Fatal(err)
	}
	defer server.Shutdown()
	client := asynq.NewClientFromRedisClient(s.main.rdb)
	start := time.Now()
	for i := range n {
		if _, err := client.Enqueue(asynq.NewTask("noop", []byte(fmt.Sprint(i))), asynq.Queue(queue)); err != nil {
			tb.Fatal(err)
		}
	}
	wg.Wait()
	return n / time.Since(start).Seconds()
}
