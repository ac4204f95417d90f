package app

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/party"
	"github.com/silkgate/silkgate/domain/webhook"
)

// TaskWebhookDeliver sends one delivery (docs/webhooks.md).
const TaskWebhookDeliver = "webhook:deliver"

// WebhookStore keeps subscriptions ("webhooks") and the delivery log ("webhook_deliveries").
type WebhookStore interface {
	Create(ctx context.Context, s *webhook.Subscription) error
	Get(ctx context.Context, id string) (*webhook.Subscription, error)
	// Update writes s if it is still at the version it was read at (conflict otherwise).
	Update(ctx context.Context, s *webhook.Subscription) error
	Delete(ctx context.Context, id string) error
	// List pages the subscriptions of orgID (all when empty), newest first.
	List(ctx context.Context, orgID string, limit int, cursor string) ([]*webhook.Subscription, string, error)
	// All returns every subscription (the matcher's memory; a short list).
	All(ctx context.Context) ([]*webhook.Subscription, error)
	// SaveDeliveries stores new deliveries in bulk; one stored already is left as it is.
	SaveDeliveries(ctx context.Context, ds []*webhook.Delivery) error
	GetDelivery(ctx context.Context, id string) (*webhook.Delivery, error)
	// RecordAttempt appends an attempt to a delivery and sets its status.
	RecordAttempt(ctx context.Context, id string, a webhook.Attempt, status string) error
	SetDeliveryStatus(ctx context.Context, id, status string) error
	// Redeliver starts a new round of a delivery: pending again, its round from attempts made.
	Redeliver(ctx context.Context, id string, round int) error
	// Pending lists the deliveries still owed (status pending): read once at start-up.
	Pending(ctx context.Context) ([]*webhook.Delivery, error)
	// ListDeliveries pages a subscription's deliveries, newest first.
	ListDeliveries(ctx context.Context, subscriptionID string, limit int, cursor string) ([]*webhook.Delivery, string, error)
}

// WebhookRequest is one delivery's HTTP request.
type WebhookRequest struct {
	URL     string
	Headers map[string]string
	Body    []byte
}

// WebhookResult is what became of a request: the receiver's status code (0 when none came),
// how long it took, the error, whether the address was refused before any connection, and the
// start of the answer.
type WebhookResult struct {
	StatusCode int
	Duration   time.Duration
	Err        error
	Refused    bool
	Response   string
}

// WebhookSender makes delivery requests (adapters/webhook): only to public addresses, without
// following redirects, within a short timeout.
type WebhookSender interface {
	Send(ctx context.Context, r WebhookRequest) WebhookResult
}

// WebhookGeneration counts changes to subscriptions, shared by every process (Redis), so that
// a process learns that its memory of them is stale without reading the store.
type WebhookGeneration interface {
	Current(ctx context.Context) (int64, error)
	Bump(ctx context.Context) error
}

// WebhookMetrics counts delivery attempts by outcome (delivered, failed, refused, disabled)
// and their durations.
type WebhookMetrics interface {
	Observe(outcome string, d time.Duration)
}

// WebhookSettings tune deliveries.
type WebhookSettings struct {
	MaxAttempts int           // attempts of one delivery before its subscription is disabled
	RetryBase   time.Duration // first retry after this, doubling
	RetryCap    time.Duration // ... up to this
	// CacheTTL is how often the memory of subscriptions asks whether another process changed
	// them (default 5 s), and how long a broker's visibility is trusted (6 times as long).
	CacheTTL time.Duration
}

// WebhooksPorts are what the webhooks use cases run on.
type WebhooksPorts struct {
	Basics
	Store      WebhookStore
	Sender     WebhookSender
	Generation WebhookGeneration
	Tenancy    *Tenancy
	Orgs       party.OrgRepository
	Metrics    WebhookMetrics
	Settings   WebhookSettings
}

// Webhooks manages organisations' subscriptions and delivers events to them: matched in memory
// as the relay publishes them, one queue task per delivery, signed, retried with backoff.
type Webhooks struct {
	store    WebhookStore
	sender   WebhookSender
	gen      WebhookGeneration
	tenancy  *Tenancy
	orgs     party.OrgRepository
	metrics  WebhookMetrics
	queue    Queue
	clock    Clock
	ids      IDs
	log      interface{ Warn(string, ...any) }
	settings WebhookSettings

	mu       sync.Mutex
	loaded   bool
	subs     []*webhook.Subscription
	gen0     int64
	checked  time.Time
	brokers  map[string]brokerSight
	loadLock sync.Mutex
}

type brokerSight struct {
	visible party.Visibility
	at      time.Time
}

// NewWebhooks returns the webhooks use cases.
func NewWebhooks(p WebhooksPorts) *Webhooks {
	b := p.Basics.withDefaults()
	s := p.Settings
	if s.MaxAttempts <= 0 {
		s.MaxAttempts = 18
	}
	if s.RetryBase <= 0 {
		s.RetryBase = 30 * time.Second
	}
	if s.RetryCap < s.RetryBase {
		s.RetryCap = max(s.RetryBase, 2*time.Hour)
	}
	if s.CacheTTL <= 0 {
		s.CacheTTL = 5 * time.Second
	}
	return &Webhooks{store: p.Store, sender: p.Sender, gen: p.Generation, tenancy: p.Tenancy, orgs: p.Orgs,
		metrics: p.Metrics, queue: b.Queue, clock: b.Clock, ids: b.IDs, log: b.Log, settings: s,
		brokers: map[string]brokerSight{}}
}

// RetryDelay is the wait before the queue runs a failed delivery again (retried: how many
// times it was retried already).
func (w *Webhooks) RetryDelay(retried int) time.Duration {
	return webhook.RetryDelay(retried+1, w.settings.RetryBase, w.settings.RetryCap)
}

// ---- Subscriptions ----

var errWebhookNotFound = domain.NotFound("webhook")

// CreatedWebhook is a new subscription with its secret, shown this once.
type CreatedWebhook struct {
	Subscription *webhook.Subscription
	Secret       string
}

// CreateWebhook subscribes a receiver for the caller's organisation (the operator may name
// another with orgID). At most webhook.MaxPerOrg per organisation.
func (w *Webhooks) CreateWebhook(ctx context.Context, actor Actor, orgID string, d webhook.Draft) (CreatedWebhook, error) {
	if orgID == "" || !actor.IsOperator() {
		if orgID != "" && orgID != actor.OrgID {
			return CreatedWebhook{}, domain.InvalidField("orgId", "org_not_allowed", "only the operator subscribes for another organisation")
		}
		orgID = actor.OrgID
	}
	org, err := w.orgs.Get(ctx, orgID)
	if err != nil {
		if domain.KindOf(err) == domain.KindNotFound {
			return CreatedWebhook{}, domain.InvalidField("orgId", "org_not_found", "no such organisation")
		}
		return CreatedWebhook{}, err
	}
	existing, _, err := w.store.List(ctx, orgID, webhook.MaxPerOrg+1, "")
	if err != nil {
		return CreatedWebhook{}, err
	}
	if len(existing) >= webhook.MaxPerOrg {
		return CreatedWebhook{}, domain.Errorf(domain.KindConflict, "too_many_webhooks",
			"an organisation has at most %d webhook subscriptions / 每个组织最多 %d 个回调订阅", webhook.MaxPerOrg, webhook.MaxPerOrg)
	}
	s, err := webhook.New(w.ids.New("wh"), orgID, d, w.clock.Now())
	if err != nil {
		return CreatedWebhook{}, err
	}
	s.OrgKind = string(org.Kind())
	if err := w.store.Create(ctx, s); err != nil {
		return CreatedWebhook{}, err
	}
	w.changed(ctx)
	return CreatedWebhook{Subscription: s, Secret: s.Secret}, nil
}

// GetWebhook returns a subscription of the caller's organisation (any, for the operator).
func (w *Webhooks) GetWebhook(ctx context.Context, actor Actor, id string) (*webhook.Subscription, error) {
	s, err := w.store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !actor.IsOperator() && s.OrgID != actor.OrgID {
		return nil, errWebhookNotFound
	}
	return s, nil
}

// ListWebhooks pages the caller's subscriptions; the operator's are every organisation's, or
// orgID's.
func (w *Webhooks) ListWebhooks(ctx context.Context, actor Actor, orgID string, limit int, cursor string) (Page[*webhook.Subscription], error) {
	if !actor.IsOperator() {
		orgID = actor.OrgID
	}
	items, next, err := w.store.List(ctx, orgID, clampLimit(limit), cursor)
	return Page[*webhook.Subscription]{Items: items, NextCursor: next}, err
}

// UpdateWebhook changes a subscription (url, eventTypes, description, enabled).
func (w *Webhooks) UpdateWebhook(ctx context.Context, actor Actor, id string, d webhook.Draft) (*webhook.Subscription, error) {
	return w.change(ctx, actor, id, func(s *webhook.Subscription) error { return s.Apply(d, w.clock.Now()) })
}

// RotateSecret gives a subscription a new secret, returned this once; the old one keeps
// signing beside it for a day.
func (w *Webhooks) RotateSecret(ctx context.Context, actor Actor, id string) (CreatedWebhook, error) {
	s, err := w.change(ctx, actor, id, func(s *webhook.Subscription) error { return s.Rotate(w.clock.Now()) })
	if err != nil {
		return CreatedWebhook{}, err
	}
	return CreatedWebhook{Subscription: s, Secret: s.Secret}, nil
}

// DeleteWebhook removes a subscription; its delivery log stays.
func (w *Webhooks) DeleteWebhook(ctx context.Context, actor Actor, id string) error {
	if _, err := w.GetWebhook(ctx, actor, id); err != nil {
		return err
	}
	if err := w.store.Delete(ctx, id); err != nil {
		return err
	}
	w.changed(ctx)
	return nil
}

func (w *Webhooks) change(ctx context.Context, actor Actor, id string, f func(*webhook.Subscription) error) (*webhook.Subscription, error) {
	s, err := w.GetWebhook(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := f(s); err != nil {
		return nil, err
	}
	if err := w.store.Update(ctx, s); err != nil {
		return nil, err
	}
	w.changed(ctx)
	return s, nil
}

// changed forgets this process's memory of subscriptions, reads them again and tells the
// other processes.
func (w *Webhooks) changed(ctx context.Context) {
	w.mu.Lock()
	w.loaded = false
	w.mu.Unlock()
	ctx = context.WithoutCancel(ctx)
	if w.gen != nil {
		if err := w.gen.Bump(ctx); err != nil {
			w.log.Warn("webhook change not announced; other processes see it within their refresh", "err", err)
		}
	}
	// Read again now, by the request that changed them, rather than by the next event's relay.
	if _, err := w.current(ctx); err != nil {
		w.log.Warn("webhooks not reloaded; the next event reloads them", "err", err)
	}
}

// ---- Matching events (the relay's hot path) ----

// Warm loads the subscriptions into memory (at start-up, so that the first events cost no read).
func (w *Webhooks) Warm(ctx context.Context) error {
	_, err := w.current(ctx)
	return err
}

// current returns the subscriptions as this process knows them: loaded once, loaded again when
// changed here, or when the shared generation moved (asked at most every CacheTTL).
func (w *Webhooks) current(ctx context.Context) ([]*webhook.Subscription, error) {
	now := time.Now()
	w.mu.Lock()
	if w.loaded && now.Sub(w.checked) < w.settings.CacheTTL {
		subs := w.subs
		w.mu.Unlock()
		return subs, nil
	}
	w.mu.Unlock()
	w.loadLock.Lock()
	defer w.loadLock.Unlock()
	w.mu.Lock()
	loaded, gen0, subs := w.loaded, w.gen0, w.subs
	if loaded && now.Sub(w.checked) < w.settings.CacheTTL {
		w.mu.Unlock()
		return subs, nil
	}
	w.mu.Unlock()
	var gen int64
	if w.gen != nil {
		g, err := w.gen.Current(ctx)
		if err != nil && loaded {
			return subs, nil // the memory serves until the generation answers again
		}
		gen = g
	}
	if loaded && gen == gen0 {
		w.mu.Lock()
		w.checked = now
		w.mu.Unlock()
		return subs, nil
	}
	all, err := w.store.All(ctx)
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	w.subs, w.gen0, w.loaded, w.checked = all, gen, true, now
	clear(w.brokers)
	w.mu.Unlock()
	return all, nil
}

// concerns reports whether subscription s may receive event e: the tenancy policy applied to
// the event's audience (webhook.AudienceOf), with a broker's visibility held for a while.
func (w *Webhooks) concerns(ctx context.Context, s *webhook.Subscription, a webhook.Audience) (bool, error) {
	switch {
	case party.Kind(s.OrgKind) == party.KindOperator || a.Everyone:
		return true, nil
	case containsOrg(a.Orgs, s.OrgID):
		return true, nil
	case a.Exporter == "":
		return false, nil
	case a.Exporter == s.OrgID:
		return true, nil
	case party.Kind(s.OrgKind) != party.KindBroker || w.tenancy == nil:
		return false, nil
	}
	w.mu.Lock()
	b, ok := w.brokers[s.OrgID]
	w.mu.Unlock()
	if !ok || time.Since(b.at) > 6*w.settings.CacheTTL {
		v, err := w.tenancy.Visibility(ctx, Actor{OrgID: s.OrgID, Kind: party.KindBroker})
		if err != nil {
			return false, err
		}
		b = brokerSight{visible: v, at: time.Now()}
		w.mu.Lock()
		w.brokers[s.OrgID] = b
		w.mu.Unlock()
	}
	return b.visible.Covers(a.Exporter), nil
}

func containsOrg(orgs []string, id string) bool {
	for _, o := range orgs {
		if o == id {
			return true
		}
	}
	return false
}

// Publisher wraps the event publisher: every batch published is matched against the
// subscriptions in memory, and each match becomes a delivery, stored in bulk and handed to a
// queue task of its own. Without subscriptions it costs nothing but a look at memory.
func (w *Webhooks) Publisher(inner EventPublisher) EventPublisher {
	return webhookPublisher{inner: inner, w: w}
}

type webhookPublisher struct {
	inner EventPublisher
	w     *Webhooks
}

func (p webhookPublisher) Publish(ctx context.Context, events []domain.Event) error {
	if err := p.inner.Publish(ctx, events); err != nil {
		return err
	}
	// A fan-out that fails fails the publication: the relay publishes again later, and the
	// deliveries already stored are not made twice (their ids derive from subscription and event).
	return p.w.fanOut(ctx, events, nil)
}

// fanOut makes the deliveries of events to the subscriptions that want them and may see them
// (only to those of only, when given).
func (w *Webhooks) fanOut(ctx context.Context, events []domain.Event, only *webhook.Subscription) error {
	subs, err := w.current(ctx)
	if err != nil {
		return err
	}
	if only != nil {
		subs = []*webhook.Subscription{only}
	}
	if len(subs) == 0 {
		return nil
	}
	now := w.clock.Now()
	var out []*webhook.Delivery
	for _, e := range events {
		if e.Aggregate == "authorization" {
			// An agreement changed: its broker's visibility is read again when next needed
			// (other processes see the change within their hold).
			if b, ok := e.Data["brokerId"].(string); ok {
				w.mu.Lock()
				delete(w.brokers, b)
				w.mu.Unlock()
			}
		}
		var audience *webhook.Audience
		for _, s := range subs {
			if !s.Wants(e.Type) {
				continue
			}
			if audience == nil {
				a := webhook.AudienceOf(e)
				audience = &a
			}
			ok, err := w.concerns(ctx, s, *audience)
			if err != nil {
				return err
			}
			if ok {
				out = append(out, &webhook.Delivery{ID: deliveryID(s.ID, e), SubscriptionID: s.ID, OrgID: s.OrgID,
					EventID: e.ID, EventType: e.Type, Event: webhook.PayloadOf(e), Status: webhook.StatusPending,
					CreatedAt: now, UpdatedAt: now})
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	if err := w.store.SaveDeliveries(ctx, out); err != nil {
		return err
	}
	var errs []error
	for _, d := range out {
		errs = append(errs, w.enqueue(ctx, d.ID, 0))
	}
	return errors.Join(errs...)
}

// deliveryTask is the payload of a delivery task: the delivery, and how many of its attempts
// were made before this round (a redelivery starts a round of its own).
type deliveryTask struct {
	DeliveryID string `json:"deliveryId"`
	From       int    `json:"from,omitempty"`
}

func (w *Webhooks) enqueue(ctx context.Context, deliveryID string, from int) error {
	payload, _ := json.Marshal(deliveryTask{DeliveryID: deliveryID, From: from})
	return w.queue.Enqueue(context.WithoutCancel(ctx), Task{Type: TaskWebhookDeliver, Payload: payload,
		ID: deliveryID + ":" + strconv.Itoa(from), MaxRetry: w.settings.MaxAttempts + 2})
}

// deliveryID derives a delivery's id from its subscription and event: the same pair is one
// delivery however often the event is published. It is a ULID of the event's time, so that ids
// sort by when the events happened.
func deliveryID(subscriptionID string, e domain.Event) string {
	sum := sha256.Sum256([]byte(subscriptionID + "\x00" + e.ID))
	var id ulid.ULID
	_ = id.SetTime(ulid.Timestamp(e.At))
	copy(id[6:], sum[:10])
	return "whd_" + id.String()
}

// ---- Delivering ----

// Deliver runs one delivery task: one signed request. A failure returns an error, so that the
// queue retries it after RetryDelay; the last one the budget allows disables the subscription
// and tells the organisation (a webhook.disabled event to its other subscriptions, and the
// subscription's disabledReason).
func (w *Webhooks) Deliver(ctx context.Context, payload []byte) error {
	var t deliveryTask
	if err := json.Unmarshal(payload, &t); err != nil {
		return fmt.Errorf("webhook task payload: %w", err)
	}
	d, err := w.store.GetDelivery(ctx, t.DeliveryID)
	if domain.KindOf(err) == domain.KindNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	if d.Status != webhook.StatusPending || t.From != d.Round {
		return nil // done already (a task run twice), or a later round took over
	}
	s, err := w.store.Get(ctx, d.SubscriptionID)
	if domain.KindOf(err) == domain.KindNotFound || (err == nil && !s.Enabled) {
		return w.store.SetDeliveryStatus(ctx, d.ID, webhook.StatusSkipped)
	}
	if err != nil {
		return err
	}
	a, res := w.attempt(ctx, s, d)
	round := len(d.Attempts) + 1 - t.From
	switch {
	case res.Refused:
		w.observe("refused", res)
		return w.store.RecordAttempt(ctx, d.ID, a, webhook.StatusRefused)
	case res.Err == nil && res.StatusCode >= 200 && res.StatusCode < 300:
		w.observe("delivered", res)
		return w.store.RecordAttempt(ctx, d.ID, a, webhook.StatusDelivered)
	case round < w.settings.MaxAttempts:
		w.observe("failed", res)
		if err := w.store.RecordAttempt(ctx, d.ID, a, webhook.StatusPending); err != nil {
			return err
		}
		return fmt.Errorf("webhook %s delivery %s attempt %d: %s", s.ID, d.ID, len(d.Attempts)+1, a.Error)
	}
	// The subscription is disabled before the attempt is recorded as the last: a failure in
	// between runs the task again, which then finds the subscription disabled (skipped), never
	// a failed delivery whose subscription stayed enabled.
	if err := w.disable(ctx, s.ID, d.ID); err != nil {
		return err
	}
	w.observe("disabled", res)
	return w.store.RecordAttempt(ctx, d.ID, a, webhook.StatusFailed)
}

func (w *Webhooks) observe(outcome string, res WebhookResult) {
	if w.metrics != nil {
		w.metrics.Observe(outcome, res.Duration)
	}
}

// attempt signs and sends delivery d to s once.
func (w *Webhooks) attempt(ctx context.Context, s *webhook.Subscription, d *webhook.Delivery) (webhook.Attempt, WebhookResult) {
	p := d.Event
	p.DeliveryID, p.Attempt = d.ID, len(d.Attempts)+1
	body, _ := json.Marshal(p)
	now := w.clock.Now()
	res := w.sender.Send(ctx, WebhookRequest{URL: s.URL, Body: body, Headers: map[string]string{
		"Content-Type":           "application/json",
		"User-Agent":             "Silkgate-Webhooks/1",
		webhook.SignatureHeader:  webhook.Signature(time.Now(), body, s.Secrets(now)...),
		webhook.EventIDHeader:    p.ID,
		webhook.DeliveryIDHeader: d.ID,
	}})
	a := webhook.Attempt{At: now, StatusCode: res.StatusCode, DurationMs: res.Duration.Milliseconds(), Response: res.Response}
	if res.Err != nil {
		a.Error = res.Err.Error()
	} else if res.StatusCode < 200 || res.StatusCode >= 300 {
		a.Error = "status " + strconv.Itoa(res.StatusCode)
	}
	return a, res
}

// disable stops a subscription whose delivery exhausted its retries, and tells its
// organisation.
func (w *Webhooks) disable(ctx context.Context, id, deliveryID string) error {
	var s *webhook.Subscription
	for try := 0; ; try++ {
		var err error
		if s, err = w.store.Get(ctx, id); err != nil {
			return err
		}
		if !s.Enabled {
			return nil // disabled meanwhile (by another delivery, or by request): told already
		}
		s.DisableForFailures(w.clock.Now())
		err = w.store.Update(ctx, s)
		if err == nil {
			break
		}
		if domain.KindOf(err) != domain.KindConflict || try == 4 {
			return err
		}
	}
	w.changed(ctx)
	e := domain.NewEvent(webhook.AggregateWebhook, s.ID, s.Version, 0, webhook.EventDisabled, w.clock.Now(), map[string]any{
		"orgId": s.OrgID, "webhookId": s.ID, "url": s.URL, "reason": s.DisabledReason, "deliveryId": deliveryID,
	})
	return w.fanOut(ctx, []domain.Event{e}, nil)
}

// ---- The delivery log ----

// ListDeliveries pages a subscription's deliveries, newest first.
func (w *Webhooks) ListDeliveries(ctx context.Context, actor Actor, id string, limit int, cursor string) (Page[*webhook.Delivery], error) {
	if _, err := w.GetWebhook(ctx, actor, id); err != nil {
		return Page[*webhook.Delivery]{}, err
	}
	items, next, err := w.store.ListDeliveries(ctx, id, clampLimit(limit), cursor)
	return Page[*webhook.Delivery]{Items: items, NextCursor: next}, err
}

// Redeliver sends a delivery again, in a round of retries of its own.
func (w *Webhooks) Redeliver(ctx context.Context, actor Actor, id, deliveryID string) (*webhook.Delivery, error) {
	s, err := w.GetWebhook(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	d, err := w.store.GetDelivery(ctx, deliveryID)
	if domain.KindOf(err) == domain.KindNotFound || (err == nil && d.SubscriptionID != s.ID) {
		return nil, domain.NotFound("delivery")
	}
	if err != nil {
		return nil, err
	}
	if !s.Enabled {
		return nil, domain.Errorf(domain.KindFailedPrecondition, "webhook_disabled",
			"the subscription is disabled; enable it first (PATCH enabled: true) / 订阅已停用，请先启用")
	}
	if d.Status == webhook.StatusPending && w.clock.Now().Sub(d.UpdatedAt) < 2*w.settings.RetryCap {
		// Its retries are still going on; one whose task was lost (its queue emptied) can be
		// sent again once it has waited longer than any retry would.
		return nil, domain.Errorf(domain.KindFailedPrecondition, "delivery_pending",
			"the delivery is still being retried / 该投递仍在重试中")
	}
	if err := w.store.Redeliver(ctx, d.ID, len(d.Attempts)); err != nil {
		return nil, err
	}
	if err := w.enqueue(ctx, d.ID, len(d.Attempts)); err != nil {
		return nil, err
	}
	d.Status, d.Round = webhook.StatusPending, len(d.Attempts)
	return d, nil
}

// ResumeDeliveries hands every delivery still owed to the queue again, at start-up: tasks an
// in-memory queue lost when the process stopped are made again; those the queue still holds are
// not doubled (a task's id is its delivery and round).
func (w *Webhooks) ResumeDeliveries(ctx context.Context) error {
	pending, err := w.store.Pending(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, d := range pending {
		errs = append(errs, w.enqueue(ctx, d.ID, d.Round))
	}
	return errors.Join(errs...)
}

// Ping sends a webhook.ping event to a subscription at once (enabled or not) and answers with
// the delivery and its one attempt; it is not retried.
func (w *Webhooks) Ping(ctx context.Context, actor Actor, id string) (*webhook.Delivery, error) {
	s, err := w.GetWebhook(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	now := w.clock.Now()
	e := domain.Event{ID: "webhook:" + s.ID + ":ping:" + w.ids.New("ping"), Type: webhook.EventPing,
		Aggregate: webhook.AggregateWebhook, SubjectID: s.ID, At: now, Data: map[string]any{"orgId": s.OrgID, "webhookId": s.ID}}
	d := &webhook.Delivery{ID: "whd_" + ulid.Make().String(), SubscriptionID: s.ID, OrgID: s.OrgID, EventID: e.ID,
		EventType: e.Type, Event: webhook.PayloadOf(e), Status: webhook.StatusPending, CreatedAt: now, UpdatedAt: now}
	d.Event.Sequence = now.UnixMilli()
	if err := w.store.SaveDeliveries(ctx, []*webhook.Delivery{d}); err != nil {
		return nil, err
	}
	a, res := w.attempt(context.WithoutCancel(ctx), s, d)
	status := webhook.StatusFailed
	switch {
	case res.Refused:
		status = webhook.StatusRefused
		w.observe("refused", res)
	case a.Error == "":
		status = webhook.StatusDelivered
		w.observe("delivered", res)
	default:
		w.observe("failed", res)
	}
	if err := w.store.RecordAttempt(ctx, d.ID, a, status); err != nil {
		return nil, err
	}
	d.Attempts, d.Status = append(d.Attempts, a), status
	return d, nil
}
