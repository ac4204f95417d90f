package mongo

import (
	"context"
	"encoding/json"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/webhook"
)

// Collections of the webhooks.
const (
	collWebhooks          = "webhooks"           // subscriptions, by id
	collWebhookDeliveries = "webhook_deliveries" // the delivery log, by delivery id
)

// Webhooks stores subscriptions in "webhooks" and the delivery log in "webhook_deliveries".
// What a delivery does is _id reads and writes; the lists (an organisation's subscriptions, a
// subscription's deliveries) are the only queries.
type Webhooks struct {
	subs, deliveries *mongo.Collection
}

var _ app.WebhookStore = (*Webhooks)(nil)

// NewWebhooks returns the webhook store.
func NewWebhooks(s *Store) *Webhooks {
	return &Webhooks{subs: s.db.Collection(collWebhooks), deliveries: s.db.Collection(collWebhookDeliveries)}
}

type webhookDoc struct {
	ID             string     `bson:"_id"`
	OrgID          string     `bson:"orgId"`
	OrgKind        string     `bson:"orgKind"`
	URL            string     `bson:"url"`
	EventTypes     []string   `bson:"eventTypes"`
	Description    string     `bson:"description,omitempty"`
	Secret         string     `bson:"secret"`
	PreviousSecret string     `bson:"previousSecret,omitempty"`
	PreviousUntil  time.Time  `bson:"previousUntil,omitempty"`
	Enabled        bool       `bson:"enabled"`
	DisabledReason string     `bson:"disabledReason,omitempty"`
	DisabledAt     *time.Time `bson:"disabledAt,omitempty"`
	CreatedAt      time.Time  `bson:"createdAt"`
	UpdatedAt      time.Time  `bson:"updatedAt"`
	Version        int64      `bson:"version"`
}

func toWebhookDoc(s *webhook.Subscription) webhookDoc {
	return webhookDoc{ID: s.ID, OrgID: s.OrgID, OrgKind: s.OrgKind, URL: s.URL, EventTypes: s.EventTypes,
		Description: s.Description, Secret: s.Secret, PreviousSecret: s.PreviousSecret, PreviousUntil: s.PreviousUntil,
		Enabled: s.Enabled, DisabledReason: s.DisabledReason, DisabledAt: s.DisabledAt, CreatedAt: s.CreatedAt,
		UpdatedAt: s.UpdatedAt, Version: s.Version}
}

func (d *webhookDoc) subscription() *webhook.Subscription {
	return &webhook.Subscription{ID: d.ID, OrgID: d.OrgID, OrgKind: d.OrgKind, URL: d.URL, EventTypes: d.EventTypes,
		Description: d.Description, Secret: d.Secret, PreviousSecret: d.PreviousSecret, PreviousUntil: d.PreviousUntil.UTC(),
		Enabled: d.Enabled, DisabledReason: d.DisabledReason, DisabledAt: d.DisabledAt, CreatedAt: d.CreatedAt.UTC(),
		UpdatedAt: d.UpdatedAt.UTC(), Version: d.Version}
}

var errWebhookNotFound = domain.NotFound("webhook")

// Create stores a new subscription at version 1.
func (r *Webhooks) Create(ctx context.Context, s *webhook.Subscription) error {
	s.Version = 1
	_, err := r.subs.InsertOne(ctx, toWebhookDoc(s))
	if isDuplicateKey(err) {
		return domain.Errorf(domain.KindConflict, "webhook_exists", "a webhook with this id exists")
	}
	return internal(err, "create webhook")
}

// Get loads a subscription by id.
func (r *Webhooks) Get(ctx context.Context, id string) (*webhook.Subscription, error) {
	return getByID(ctx, r.subs, id, errWebhookNotFound, func(d *webhookDoc) *webhook.Subscription { return d.subscription() })
}

// Update writes s over the version it was read at.
func (r *Webhooks) Update(ctx context.Context, s *webhook.Subscription) error {
	doc := toWebhookDoc(s)
	doc.Version = s.Version + 1
	res, err := r.subs.ReplaceOne(ctx, bson.M{"_id": s.ID, "version": s.Version}, doc)
	if err != nil {
		return internal(err, "update webhook")
	}
	if res.MatchedCount == 0 {
		return domain.Errorf(domain.KindConflict, "concurrent_update", "the webhook changed meanwhile; try again")
	}
	s.Version = doc.Version
	return nil
}

// Delete removes a subscription.
func (r *Webhooks) Delete(ctx context.Context, id string) error {
	_, err := r.subs.DeleteOne(ctx, bson.M{"_id": id})
	return internal(err, "delete webhook")
}

// List pages subscriptions, newest first; orgID "" lists every organisation's.
func (r *Webhooks) List(ctx context.Context, orgID string, limit int, cursor string) ([]*webhook.Subscription, string, error) {
	filter := bson.M{}
	if orgID != "" {
		filter["orgId"] = orgID
	}
	docs, next, err := page(ctx, r.subs, filter, limit, cursor, func(d *webhookDoc) string { return d.ID })
	out := make([]*webhook.Subscription, len(docs))
	for i := range docs {
		out[i] = docs[i].subscription()
	}
	return out, next, err
}

// All returns every subscription.
func (r *Webhooks) All(ctx context.Context) ([]*webhook.Subscription, error) {
	cur, err := r.subs.Find(ctx, bson.M{})
	if err != nil {
		return nil, internal(err, "load webhooks")
	}
	var docs []webhookDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, internal(err, "load webhooks")
	}
	out := make([]*webhook.Subscription, len(docs))
	for i := range docs {
		out[i] = docs[i].subscription()
	}
	return out, nil
}

type deliveryDoc struct {
	ID             string       `bson:"_id"`
	SubscriptionID string       `bson:"webhookId"`
	OrgID          string       `bson:"orgId"`
	EventID        string       `bson:"eventId"`
	EventType      string       `bson:"eventType"`
	Event          string       `bson:"event"` // the payload's JSON, as it is sent
	Status         string       `bson:"status"`
	Round          int          `bson:"round,omitempty"`
	Attempts       []attemptDoc `bson:"attempts"`
	CreatedAt      time.Time    `bson:"createdAt"`
	UpdatedAt      time.Time    `bson:"updatedAt"`
}

func (d *deliveryDoc) delivery() *webhook.Delivery {
	out := &webhook.Delivery{ID: d.ID, SubscriptionID: d.SubscriptionID, OrgID: d.OrgID, EventID: d.EventID,
		EventType: d.EventType, Status: d.Status, Round: d.Round, CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC()}
	_ = json.Unmarshal([]byte(d.Event), &out.Event)
	for _, a := range d.Attempts {
		out.Attempts = append(out.Attempts, webhook.Attempt{At: a.At.UTC(), StatusCode: a.StatusCode,
			DurationMs: a.DurationMs, Error: a.Error, Response: a.Response})
	}
	return out
}

type attemptDoc struct {
	At         time.Time `bson:"at"`
	StatusCode int       `bson:"statusCode,omitempty"`
	DurationMs int64     `bson:"durationMs"`
	Error      string    `bson:"error,omitempty"`
	Response   string    `bson:"response,omitempty"`
}

// SaveDeliveries inserts deliveries in bulk writes by _id; one stored already keeps what it has.
func (r *Webhooks) SaveDeliveries(ctx context.Context, ds []*webhook.Delivery) error {
	models := make([]mongo.WriteModel, 0, len(ds))
	for _, d := range ds {
		body, err := json.Marshal(d.Event)
		if err != nil {
			return domain.Internal(err, "encode webhook payload")
		}
		doc := deliveryDoc{ID: d.ID, SubscriptionID: d.SubscriptionID, OrgID: d.OrgID, EventID: d.EventID,
			EventType: d.EventType, Event: string(body), Status: d.Status, Attempts: []attemptDoc{}, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
		models = append(models, mongo.NewUpdateOneModel().SetFilter(bson.M{"_id": d.ID}).
			SetUpdate(bson.M{"$setOnInsert": doc}).SetUpsert(true))
	}
	_, err := bulkWrite(ctx, r.deliveries, models)
	return err
}

var errDeliveryNotFound = domain.NotFound("delivery")

// GetDelivery loads a delivery by id.
func (r *Webhooks) GetDelivery(ctx context.Context, id string) (*webhook.Delivery, error) {
	return getByID(ctx, r.deliveries, id, errDeliveryNotFound, func(d *deliveryDoc) *webhook.Delivery { return d.delivery() })
}

// RecordAttempt appends an attempt and sets the status, by _id.
func (r *Webhooks) RecordAttempt(ctx context.Context, id string, a webhook.Attempt, status string) error {
	_, err := r.deliveries.UpdateOne(ctx, bson.M{"_id": id}, bson.M{
		"$push": bson.M{"attempts": attemptDoc{At: a.At, StatusCode: a.StatusCode, DurationMs: a.DurationMs,
			Error: a.Error, Response: a.Response}}, "$set": bson.M{"status": status, "updatedAt": a.At}})
	return internal(err, "record webhook attempt")
}

// SetDeliveryStatus sets a delivery's status, by _id.
func (r *Webhooks) SetDeliveryStatus(ctx context.Context, id, status string) error {
	_, err := r.deliveries.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"status": status, "updatedAt": time.Now().UTC()}})
	return internal(err, "set webhook delivery status")
}

// Redeliver makes a delivery pending again in a new round, by _id.
func (r *Webhooks) Redeliver(ctx context.Context, id string, round int) error {
	_, err := r.deliveries.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"status": "pending", "round": round, "updatedAt": time.Now().UTC()}})
	return internal(err, "redeliver webhook delivery")
}

// Pending lists the deliveries still pending (ids and rounds only). It reads the whole
// collection on the embedded store; it runs once, at start-up.
func (r *Webhooks) Pending(ctx context.Context) ([]*webhook.Delivery, error) {
	// MongoDB: index "webhook_deliveries_pending".
	cur, err := r.deliveries.Find(ctx, bson.M{"status": "pending"}, options.Find().SetProjection(bson.M{"_id": 1, "round": 1}))
	if err != nil {
		return nil, internal(err, "list pending webhook deliveries")
	}
	var docs []struct {
		ID    string `bson:"_id"`
		Round int    `bson:"round"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, internal(err, "list pending webhook deliveries")
	}
	out := make([]*webhook.Delivery, len(docs))
	for i, d := range docs {
		out[i] = &webhook.Delivery{ID: d.ID, Round: d.Round, Status: webhook.StatusPending}
	}
	return out, nil
}

// ListDeliveries pages a subscription's deliveries, newest first (ids sort by the events' time).
func (r *Webhooks) ListDeliveries(ctx context.Context, subscriptionID string, limit int, cursor string) ([]*webhook.Delivery, string, error) {
	// MongoDB: index "webhook_deliveries_by_webhook".
	docs, next, err := page(ctx, r.deliveries, bson.M{"webhookId": subscriptionID}, limit, cursor, func(d *deliveryDoc) string { return d.ID })
	out := make([]*webhook.Delivery, len(docs))
	for i := range docs {
		out[i] = docs[i].delivery()
	}
	return out, next, err
}
