package redis

import (
	"context"
	"encoding/json"

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
