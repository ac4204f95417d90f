// Package bonded models the bonded-zone account (账册) behind 1210 trade (保税跨境贸易电子商务):
// goods are brought into the zone first, as stock in a firm's account, and leave it parcel by
// parcel under released inventory lists.
//
//   - Account: the account book, its number (emsNo) the _id. The zone operator registers it for
//     a firm (区内企业, the warehouse firm a 1210 list names as iacCode) at a customs district;
//     it lists its item records and is active or suspended (a suspended account takes no new
//     reservations).
//   - Stock: one item record (料号: itemRecordNo, HS code, goods name, declared unit, legal
//     unit) with its balance: onHand (in the zone) and reserved (held by filed lists, part of
//     onHand). available = onHand − reserved never goes below zero: every change checks it.
//   - Movement: one line of the ledger, made by the change it records: receipt (入区, goods
//     booked into the zone under a reference), reserve (a 1210 list filed), unreserve (the
//     list rejected, returned or cancelled before release: its reservation given back) and
//     release (出区: customs released the list; the reservation becomes a final decrement).
//
// The model is reserve at filing, consume at release (docs/customs.md, "Bonded account"):
// reservations are keyed by the declaration id inside the item's document, so repeating any
// step (a receipt delivered twice, a retried write) changes nothing the second time.
package bonded
