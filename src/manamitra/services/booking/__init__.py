"""The `booking` kind: APSRTC bus seats and temple darshan, seva and rooms, held while the
citizen pays, sold on confirmed payment, cancelled with the refund rule; "my tickets".

Example::

    kind: booking
    steps:
      - {id: temple, type: choice, options_from: temples, prompt: {en: "Temple?", te: "ఆలయం?"}}
      - {id: offering, type: choice, options_from: temple_offerings, offering_kind: darshan,
         prompt: {en: "Darshan?", te: "దర్శనం?"}}
      - {id: visit_date, type: choice, options_from: booking_dates, prompt: {en: "Date?", te: "తేదీ?"}}
      - {id: slot, type: choice, options_from: temple_slots, prompt: {en: "Time?", te: "సమయం?"}}
      - id: pilgrims
        type: group
        repeat: {min: 1, max: 6}
        steps:
          - {id: pilgrim_name, type: name, prompt: {en: "Name?", te: "పేరు?"}}
          - {id: id_type, type: choice, options_from: photo_id_types, prompt: {en: "ID?", te: "గుర్తింపు కార్డు?"}}
          - {id: id_last4, type: text, prompt: {en: "Last 4 digits?", te: "చివరి 4 అంకెలు?"}}
    booking: {domain: temple}

`booking: {domain: bus}` books a bus (steps from_stop, to_stop, travel_date, bus_service,
seat_preference, passengers[name, age, gender], concession); `booking: {action: cancel}`
cancels one of the citizen's tickets (step `ticket`, options_from: my_tickets).

The kind itself is in `kind`, shared holding and billing in `hold`, the products in `bus` and
`temple`, payment confirmed → ticket and cancellation refunds in `fulfilment`, the citizen's
tickets in `tickets`; `services.registry` calls each module's `register()`.
"""
