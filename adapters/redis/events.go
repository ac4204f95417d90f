package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
)

// Events publishes domain events to a Redis stream, where webhook senders and projections read
// them with consumer groups. The stream is capped (approximately) so that it cannot grow without
// bound; MongoDB keeps the records.
type Events struct {
	rdb    *goredis.Client
	stream string
	maxLen int64
}

var _ app.EventPublisher = (*Events)(nil)

// NewEvents returns a publisher onto stream.
func NewEvents(rdb *goredis.Client, stream string) *Events {
	return &Events{rdb: rdb, stream: stream, maxLen: 1_000_000}
}

// Publish appends the events in one round trip.
func (e *Events) Publish(ctx context.Context, events []domain.Event) error {
	pipe := e.rdb.Pipeline()
	for _, ev := range events {
		body, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		pipe.XAdd(ctx, &goredis.XAddArgs{
			Stream: e.stream, MaxLen: e.maxLen, Approx: true,
			Values: map[string]any{"id": ev.ID, "type": ev.Type, "event": body},
		})
	}
	_, err := pipe.Exec(ctx)
	return err
}

// Stream is the stream's key.
func (e *Events) Stream() string { return e.stream }

// Consumer reads the event stream through a consumer group: each event is handed to one
// consumer of the group, and read again until acknowledged, so a subscriber that fails or stops
// half-way gets it once more (and de-duplicates by event id).
type Consumer struct {
	rdb                    *goredis.Client
	stream, group, name    string
	log                    interface{ Warn(string, ...any) }
	batch                  int64
	block, pauseAfterError time.Duration
}

// NewConsumer returns consumer name of group on the publisher's stream.
func (e *Events) NewConsumer(group, name string, log interface{ Warn(string, ...any) }) *Consumer {
	return &Consumer{rdb: e.rdb, stream: e.stream, group: group, name: name, log: log, batch: 1000,
		block: time.Second, pauseAfterError: time.Second}
}

// Join creates the group if it does not exist, reading from the events published from now on.
func (c *Consumer) Join(ctx context.Context) error {
	err := c.rdb.XGroupCreateMkStream(ctx, c.stream, c.group, "$").Err()
	if err != nil && !strings.Contains(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("event stream group %s: %w", c.group, err)
	}
	return nil
}

// Run hands the events to apply, up to a thousand at a time, until ctx ends: first those this
// consumer was given before and did not acknowledge, then new ones. A batch is acknowledged when
// apply returns nil; one it fails is read again after a pause.
func (c *Consumer) Run(ctx context.Context, apply func(context.Context, []domain.Event) error) {
	from := "0" // this consumer's pending entries first
	for ctx.Err() == nil {
		res, err := c.rdb.XReadGroup(ctx, &goredis.XReadGroupArgs{Group: c.group, Consumer: c.name,
			Streams: []string{c.stream, from}, Count: c.batch, Block: c.block}).Result()
		if errors.Is(err, goredis.Nil) {
			continue
		}
		if err != nil {
			if ctx.Err() == nil {
				c.log.Warn("event stream not read", "group", c.group, "err", err)
				c.pause(ctx)
			}
			continue
		}
		var msgs []goredis.XMessage
		for _, s := range res {
			msgs = append(msgs, s.Messages...)
		}
		if len(msgs) == 0 {
			from = ">"
			continue
		}
		events := make([]domain.Event, 0, len(msgs))
		ids := make([]string, len(msgs))
		for i, m := range msgs {
			ids[i] = m.ID
			body, _ := m.Values["event"].(string)
			var ev domain.Event
			if err := json.Unmarshal([]byte(body), &ev); err != nil {
				c.log.Warn("event on the stream not readable; skipped", "id", m.ID, "err", err)
				continue
			}
			events = append(events, ev)
		}
		if err := apply(ctx, events); err != nil {
			if ctx.Err() == nil {
				c.log.Warn("events not applied; read again", "group", c.group, "count", len(events), "err", err)
				from = "0"
				c.pause(ctx)
			}
			continue
		}
		if err := c.rdb.XAck(context.WithoutCancel(ctx), c.stream, c.group, ids...).Err(); err != nil {
			c.log.Warn("events not acknowledged; read again", "group", c.group, "err", err)
		}
	}
}

func (c *Consumer) pause(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-time.After(c.pauseAfterError):
	}
}
