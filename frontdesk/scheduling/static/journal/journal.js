/* The electronic journal: EventCalendar (resource day view / one specialist's week / a list on a
   phone), the booking dialog, the record dialog, drag to move and resize, and a light poll that
   refetches when somebody else changes a record of the shown days.
   Times travel as the branch's wall-clock times without an offset ("2025-03-14T10:30"). */
(function () {
  'use strict';

  const cfg = JSON.parse(document.getElementById('journal-config').textContent);
  const T = cfg.strings;
  const csrf = (JSON.parse(document.body.getAttribute('hx-headers') || '{}'))['X-CSRFToken'] || '';
  const POLL_MS = 3000;
  const PHONE = window.matchMedia('(max-width: 575.98px)').matches;

  const state = {
    colour: localStorage.getItem('fd-journal-colour') || 'status',
    cancelled: false,
    specialist: cfg.ownOnly ? cfg.ownSpecialist : null, // whose records; null: everybody's
    week: false, // one specialist's week instead of a day
    token: null,
    busy: false,
    range: null,
  };

  // ---- small helpers -------------------------------------------------------------------------
  const $ = (id) => document.getElementById(id);
  const pad = (n) => String(n).padStart(2, '0');
  const isoDate = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const isoLocal = (d) => `${isoDate(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const esc = (text) => String(text == null ? '' : text).replace(/[&<>"']/g, (c) => (
    {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
  const recordUrl = (id, action) => cfg.urls.record.replace(/\/0\/$/, `/${id}/`) + (action ? `${action}/` : '');

  function toast(message, kind) {
    const box = $('jr-toast');
    const item = document.createElement('div');
    item.className = `alert alert-${kind || 'success'} shadow-sm py-2 mb-2`;
    item.textContent = message;
    box.appendChild(item);
    setTimeout(() => item.remove(), kind === 'danger' ? 6000 : 2500);
  }

  async function post(url, data) {
    const body = new URLSearchParams();
    Object.entries(data).forEach(([key, value]) => {
      if (Array.isArray(value)) value.forEach((v) => body.append(key, v));
      else if (value !== null && value !== undefined && value !== false) body.append(key, value);
    });
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {'X-CSRFToken': csrf, 'X-Requested-With': 'XMLHttpRequest'},
        body,
        credentials: 'same-origin',
      });
      let payload;
      try { payload = await response.json(); } catch (e) { payload = {error: T.network}; }
      return {ok: response.ok, status: response.status, data: payload};
    } catch (e) {
      return {ok: false, status: 0, data: {error: T.network}};
    }
  }

  async function getJson(url, params) {
    const query = params ? `?${new URLSearchParams(params)}` : '';
    const response = await fetch(url + query, {credentials: 'same-origin', headers: {'X-Requested-With': 'XMLHttpRequest'}});
    if (!response.ok) throw new Error(String(response.status));
    return response.json();
  }

  // ---- the calendar ----------------------------------------------------------------------------
  function rangeParams(start, end) {
    const params = {start: isoDate(start), end: isoDate(end)};
    if (state.specialist) params.specialist = state.specialist;
    if (state.cancelled) params.cancelled = '1';
    return params;
  }

  function decorate(event) {
    const p = event.extendedProps || {};
    if (p.kind === 'record') {
      event.backgroundColor = state.colour === 'source' ? p.colour_source : p.colour_status;
    }
    return event;
  }

  function loadEvents(info, success, failure) {
    getJson(cfg.urls.events, rangeParams(info.start, info.end))
      .then((data) => {
        state.token = data.token;
        success(data.events.map(decorate));
      })
      .catch((error) => { toast(T.network, 'danger'); failure(error); });
  }

  function loadResources(info, success, failure) {
    const start = info && info.start ? info.start : calendar.getView().activeStart;
    const end = info && info.end ? info.end : calendar.getView().activeEnd;
    getJson(cfg.urls.resources, {start: isoDate(start), end: isoDate(end)}).then(success).catch(failure);
  }

  function eventContent(info) {
    const p = info.event.extendedProps || {};
    if (info.event.display === 'pointer') return {html: `<div class="fd-ev-time">${esc(info.timeText)}</div>`};
    if (info.event.display === 'background') {
      return p.kind === 'off' && info.event.title ? {html: `<span class="fd-absence-label">${esc(info.event.title)}</span>`} : {html: ''};
    }
    if (p.kind === 'class') {
      return {html: `<div class="fd-ev"><b>${esc(info.timeText)}</b> ${esc(info.event.title)}<div>${p.taken}/${p.capacity} ${esc(T.places)}</div></div>`};
    }
    const services = (p.services || []).join(', ');
    return {
      html: `<div class="fd-ev" data-record="${p.record_id}">` +
        `<div class="fd-ev-time">${esc(info.timeText)}${p.overbooked ? ' <i class="bi bi-exclamation-triangle" title="' + esc(T.overbooked) + '"></i>' : ''}` +
        (p.series ? ` <i class="bi bi-arrow-repeat" title="${esc(T.series)}"></i>` : '') +
        (p.prepaid ? ` <span class="badge fd-ev-prepaid" title="${esc(T.prepaidTitle)}">${esc(T.prepaid)}</span>` : '') +
        `</div>` +
        `<div class="fd-ev-client">${esc(p.client || T.noClient)}</div>` +
        (p.phone ? `<div class="fd-ev-phone">${esc(p.phone)}</div>` : '') +
        (services ? `<div class="fd-ev-services">${esc(services)}</div>` : '') +
        // The phone's list has no columns: each record names its specialist (one's own list needs not).
        (PHONE && !cfg.ownOnly && p.specialist ? `<div class="fd-ev-specialist" data-testid="record-specialist"><i class="bi bi-person"></i> ${esc(p.specialist)}</div>` : '') +
        (PHONE ? ` <span class="badge text-bg-light border">${esc(p.status_label)}</span>` : '') +
        `</div>`,
    };
  }

  function viewName() {
    if (PHONE) return state.week ? 'listWeek' : 'listDay';
    if (cfg.ownOnly) return state.week ? 'timeGridWeek' : 'timeGridDay';
    return state.week ? 'timeGridWeek' : 'resourceTimeGridDay';
  }

  const calendar = EventCalendar.create($('journal-calendar'), {
    view: viewName(),
    date: cfg.date,
    locale: cfg.locale,
    firstDay: 1,
    headerToolbar: {start: '', center: '', end: ''},
    allDaySlot: false,
    nowIndicator: true,
    slotDuration: '00:15',
    slotLabelInterval: '01:00',
    slotMinTime: cfg.slotMin,
    slotMaxTime: cfg.slotMax,
    flexibleSlotTimeLimits: true,
    scrollTime: '09:00',
    height: PHONE ? 'auto' : 'calc(100vh - 150px)',
    editable: cfg.canEdit,
    eventStartEditable: cfg.canEdit,
    eventDurationEditable: cfg.canEdit,
    pointer: cfg.canEdit,
    resources: loadResources,
    refetchResourcesOnNavigate: true,
    eventSources: [{events: loadEvents}],
    eventContent,
    noEventsContent: T.noRecords || '',
    datesSet(info) {
      state.range = {start: info.start, end: info.end};
      $('jr-title').textContent = info.view.title;
      $('jr-date').value = FrontdeskDates.show(info.start);
      $('jr-print').href = `${cfg.urls.print}?date=${isoDate(info.start)}`;
    },
    dateClick(info) {
      if (!cfg.canEdit || state.busy) return;
      openBooking(info.date, info.resource ? info.resource.id : (state.specialist || cfg.ownSpecialist));
    },
    eventClick(info) {
      const p = info.event.extendedProps || {};
      if (p.kind === 'record') openRecord(p.record_id);
    },
    eventDragStart() { state.busy = true; },
    eventDragStop() { setTimeout(() => { state.busy = false; }, 50); },
    eventResizeStart() { state.busy = true; },
    eventResizeStop() { setTimeout(() => { state.busy = false; }, 50); },
    async eventDrop(info) {
      const data = {start: isoLocal(info.event.start)};
      if (info.newResource) data.specialist = info.newResource.id;
      if (info.event.extendedProps.series) {
        state.busy = true; // no refetch under the question
        const which = await askWhich();
        state.busy = false;
        if (!which) { info.revert(); return; }
        data.which = which;
      }
      const result = await post(recordUrl(info.event.extendedProps.record_id, 'move'), data);
      if (!result.ok) { info.revert(); toast(errorText(result.data), 'danger'); return; }
      toast(result.data.message || T.moved);
      calendar.refetchEvents();
    },
    async eventResize(info) {
      const result = await post(recordUrl(info.event.extendedProps.record_id, 'resize'), {end: isoLocal(info.event.end)});
      if (!result.ok) { info.revert(); toast(result.data.error, 'danger'); return; }
      toast(result.data.message || T.saved);
      calendar.refetchEvents();
    },
  });
  window.fdJournal = calendar; // for the browser tests and the curious

  // A series refused as a whole comes with the colliding dates and why.
  function errorText(data) {
    const lines = (data.conflicts || []).map((c) => `${c.date} — ${c.reason}`);
    return [data.error].concat(lines).join('\n');
  }

  // "Only this one" or "this and all following" for a record of a series; null when cancelled.
  const whichModalEl = $('which-modal');
  const whichModal = new bootstrap.Modal(whichModalEl);
  function askWhich() {
    return new Promise((resolve) => {
      let answer = null;
      const onClick = (e) => {
        const button = e.target.closest('[data-which]');
        if (!button) return;
        answer = button.dataset.which || null;
        whichModal.hide();
      };
      whichModalEl.addEventListener('click', onClick);
      whichModalEl.addEventListener('hidden.bs.modal', () => {
        whichModalEl.removeEventListener('click', onClick);
        resolve(answer);
      }, {once: true});
      whichModal.show();
    });
  }

  function refetch() { calendar.refetchEvents(); }

  function switchView() {
    calendar.setOption('view', viewName());
    if (!PHONE && !state.week) calendar.refetchResources();
    refetch();
  }

  // ---- toolbar ---------------------------------------------------------------------------------
  $('jr-prev').addEventListener('click', () => calendar.prev());
  $('jr-next').addEventListener('click', () => calendar.next());
  $('jr-today').addEventListener('click', () => calendar.setOption('date', cfg.today));
  $('jr-date').addEventListener('change', (e) => {
    const day = FrontdeskDates.iso(e.target.value);
    if (day) calendar.setOption('date', day);
  });
  const viewSelect = $('jr-view');
  viewSelect.addEventListener('change', () => {
    state.week = !!viewSelect.value;
    state.specialist = cfg.ownOnly ? cfg.ownSpecialist : (viewSelect.value ? Number(viewSelect.value) : null);
    switchView();
  });
  const colourSelect = $('jr-colour');
  colourSelect.value = state.colour;
  colourSelect.addEventListener('change', () => {
    state.colour = colourSelect.value;
    localStorage.setItem('fd-journal-colour', state.colour);
    refetch();
  });
  $('jr-cancelled').addEventListener('change', (e) => { state.cancelled = e.target.checked; refetch(); });

  // ---- live updates ----------------------------------------------------------------------------
  async function poll() {
    if (state.busy || !state.range || document.hidden) return;
    try {
      const data = await getJson(cfg.urls.changes, rangeParams(state.range.start, state.range.end));
      if (state.token !== null && data.token !== state.token && !state.busy) {
        state.token = data.token;
        refetch();
      }
    } catch (e) { /* offline for a moment: the next poll tries again */ }
  }
  setInterval(poll, POLL_MS);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) poll(); });

  // ---- booking dialog --------------------------------------------------------------------------
  const bookModalEl = $('book-modal');
  const bookModal = bookModalEl ? new bootstrap.Modal(bookModalEl) : null;
  let chosenClient = null;
  let searchTimer = null;

  function showBookError(message, alternatives) {
    const box = $('book-error');
    box.textContent = message || '';
    box.classList.toggle('d-none', !message);
    const alt = $('book-alternatives');
    alt.innerHTML = '';
    alt.classList.toggle('d-none', !(alternatives && alternatives.length));
    if (alternatives && alternatives.length) {
      const title = document.createElement('div');
      title.className = 'small text-muted mb-1';
      title.textContent = T.nearest;
      alt.appendChild(title);
      alternatives.forEach((a) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'btn btn-sm btn-outline-primary me-1 mb-1';
        button.textContent = `${a.day} ${a.label}`;
        button.dataset.start = a.start;
        button.addEventListener('click', () => {
          const [date, time] = a.start.split('T');
          $('book-date').value = FrontdeskDates.show(date);
          $('book-time').value = time;
          if (a.specialist && String(a.specialist) !== $('book-specialist').value) {
            $('book-specialist').value = String(a.specialist);
          }
          submitBooking();
        });
        alt.appendChild(button);
      });
    }
  }

  function showConflicts(data) {
    const box = $('book-conflicts');
    const conflicts = data && data.conflicts ? data.conflicts : [];
    box.classList.toggle('d-none', !conflicts.length);
    if (!conflicts.length) return;
    $('book-conflicts-head').textContent = data.error || '';
    const list = $('book-conflicts-list');
    list.innerHTML = '';
    conflicts.forEach((c) => {
      const item = document.createElement('li');
      item.textContent = `${c.date} — ${c.reason}`;
      list.appendChild(item);
    });
    $('book-skip').classList.toggle('d-none', !(data.others > 0));
  }

  function setClient(client) {
    chosenClient = client;
    $('book-client-chosen').classList.toggle('d-none', !client);
    $('book-client-search-wrap').classList.toggle('d-none', !!client);
    $('book-client-label').textContent = client ? `${client.name} · ${client.phone}` : '';
    if (!client) { $('book-client-search').value = ''; $('book-client-results').innerHTML = ''; }
  }

  async function searchClients() {
    const q = $('book-client-search').value.trim();
    const results = $('book-client-results');
    const digits = q.replace(/\D/g, '');
    const letters = /[^\d\s+()-]/.test(q);
    if ((!letters && digits.length < 3) || (letters && q.length < 2)) {
      results.innerHTML = '';
      $('book-client-hint').textContent = T.typeMore;
      return;
    }
    try {
      const data = await getJson(cfg.urls.clients, {q});
      results.innerHTML = '';
      data.clients.forEach((client) => {
        const item = document.createElement('button');
        item.type = 'button';
        item.className = 'list-group-item list-group-item-action py-2';
        item.innerHTML = `<b>${esc(client.name || '—')}</b> <span class="text-muted">${esc(client.phone)}</span>`;
        item.addEventListener('click', () => setClient(client));
        results.appendChild(item);
      });
      $('book-client-hint').textContent = data.clients.length ? '' : T.notFound;
      if (!data.clients.length && !letters && !$('book-client-phone').value) $('book-client-phone').value = q;
      if (!data.clients.length && letters && !$('book-client-name').value) $('book-client-name').value = q;
    } catch (e) { toast(T.network, 'danger'); }
  }

  // One row of a services list (the booking dialog's and the visit dialog's): its duration and price.
  function serviceCheckbox(service, prefix, checked) {
    const id = `${prefix}-${service.id}`;
    const row = document.createElement('div');
    row.className = 'form-check';
    row.innerHTML = `<input class="form-check-input" type="checkbox" name="services" value="${service.id}" id="${id}"${checked ? ' checked' : ''}>` +
      `<label class="form-check-label" for="${id}">${esc(service.title)} <span class="text-muted small">· ${service.duration} ${esc(T.minutes || 'min')} · ${esc(service.price)}</span></label>`;
    return row;
  }

  // A quick change of specialist starts a second request before the first answers: only the
  // latest one may fill the list, or it would show another specialist's services.
  let servicesRequest = 0;
  async function loadServices(selected) {
    const box = $('book-services');
    box.innerHTML = '';
    const specialist = $('book-specialist').value;
    const request = ++servicesRequest;
    if (!specialist) return;
    try {
      // A dropped request on a salon's Wi-Fi should not leave the dialog without services: try
      // again twice before giving up with the network message.
      let data = null;
      for (let attempt = 0; data === null; attempt++) {
        try {
          data = await getJson(cfg.urls.services, {specialist});
        } catch (e) {
          if (attempt >= 2 || request !== servicesRequest) throw e;
          await new Promise((resolve) => setTimeout(resolve, 400 * (attempt + 1)));
        }
      }
      if (request !== servicesRequest) return;
      if (!data.services.length) { box.innerHTML = `<div class="form-text">${esc(T.noServices)}</div>`; return; }
      data.services.forEach((service) => box.appendChild(serviceCheckbox(service, 'book-service')));
      (selected || []).forEach((id) => { const input = $(`book-service-${id}`); if (input) input.checked = true; });
    } catch (e) { toast(T.network, 'danger'); }
  }

  // The order of ticking is the order of the visit.
  const tickOrder = [];
  if (bookModalEl) {
    $('book-services').addEventListener('change', (e) => {
      const value = e.target.value;
      const at = tickOrder.indexOf(value);
      if (at >= 0) tickOrder.splice(at, 1);
      if (e.target.checked) tickOrder.push(value);
    });
    $('book-specialist').addEventListener('change', () => { tickOrder.length = 0; loadServices(); });
    $('book-client-search').addEventListener('input', () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(searchClients, 250);
    });
    $('book-client-clear').addEventListener('click', () => setClient(null));
    $('book-form').addEventListener('submit', (e) => { e.preventDefault(); submitBooking(); });
    $('book-repeat').addEventListener('change', (e) => {
      $('book-repeat-rule').classList.toggle('d-none', !e.target.checked);
      showConflicts(null);
    });
    $('book-skip').addEventListener('click', () => submitBooking(true));
    $('book-conflicts-cancel').addEventListener('click', () => showConflicts(null));
    const newButton = $('jr-new');
    if (newButton) {
      newButton.addEventListener('click', () => {
        const now = new Date();
        const base = state.range ? new Date(state.range.start) : now;
        const at = isoDate(base) === isoDate(now) ? now : new Date(base.setHours(10, 0, 0, 0));
        at.setMinutes(Math.ceil(at.getMinutes() / 15) * 15, 0, 0);
        openBooking(at, state.specialist || cfg.ownSpecialist || (cfg.specialists[0] || {}).id);
      });
    }
  }

  function openBooking(date, specialistId) {
    if (!bookModal) return;
    showBookError('');
    showConflicts(null);
    setClient(null);
    tickOrder.length = 0;
    $('book-form').reset();
    $('book-repeat-rule').classList.add('d-none');
    $('book-date').value = FrontdeskDates.show(date);
    $('book-time').value = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
    if (specialistId) $('book-specialist').value = String(specialistId);
    $('book-client-hint').textContent = T.typeMore;
    loadServices();
    bookModal.show();
    setTimeout(() => $('book-client-search').focus(), 300);
  }

  async function submitBooking(skipConflicts) {
    const ticked = Array.from(document.querySelectorAll('#book-services input:checked')).map((i) => i.value);
    const services = tickOrder.filter((v) => ticked.includes(v)).concat(ticked.filter((v) => !tickOrder.includes(v)));
    const data = {
      // The fields show the interface language's format; the server reads ISO.
      start: `${FrontdeskDates.iso($('book-date').value)}T${FrontdeskDates.time($('book-time').value)}`,
      specialist: $('book-specialist').value,
      services,
      client: chosenClient ? chosenClient.id : null,
      client_name: chosenClient ? null : $('book-client-name').value,
      client_phone: chosenClient ? null : $('book-client-phone').value,
      comment: $('book-comment').value,
      source: $('book-source').value,
      overbook: $('book-overbook').checked ? '1' : null,
      prepaid: $('book-prepaid').checked ? '1' : null,
    };
    if ($('book-repeat').checked) {
      Object.assign(data, {
        repeat: '1',
        frequency: $('book-frequency').value,
        interval: $('book-interval').value,
        ends: $('book-ends-until').checked ? 'until' : 'count',
        count: $('book-count').value,
        until: FrontdeskDates.iso($('book-until').value),
        skip_conflicts: skipConflicts === true ? '1' : null,
      });
    }
    const save = $('book-save');
    save.disabled = true;
    const result = await post(cfg.urls.book, data);
    save.disabled = false;
    if (!result.ok) {
      if (result.data.conflicts && result.data.conflicts.length) {
        showBookError('');
        showConflicts(result.data);
      } else {
        showConflicts(null);
        showBookError(result.data.error, result.data.alternatives);
      }
      return;
    }
    bookModal.hide();
    toast(result.data.message || T.booked);
    refetch();
  }

  // ---- record dialog ---------------------------------------------------------------------------
  const recordModalEl = $('record-modal');
  const recordModal = new bootstrap.Modal(recordModalEl);
  let openRecordId = null;

  async function openRecord(id) {
    openRecordId = id;
    try {
      const response = await fetch(recordUrl(id), {credentials: 'same-origin'});
      if (!response.ok) throw new Error(String(response.status));
      $('record-body').innerHTML = await response.text();
      resetChangeOrder();
      recordModal.show();
    } catch (e) { toast(T.network, 'danger'); }
  }

  function recordError(message) {
    const box = recordModalEl.querySelector('[data-record-error]');
    if (!box) return;
    box.textContent = message || '';
    box.classList.toggle('d-none', !message);
  }

  async function changeStatus(button, status, why) {
    button.disabled = true;
    const result = await post(recordUrl(openRecordId, 'status'), {status, ...why});
    button.disabled = false;
    if (!result.ok) { recordError(errorText(result.data)); return; }
    toast(result.data.message || T.saved);
    refetch();
    openRecord(openRecordId);
  }

  recordModalEl.addEventListener('click', async (e) => {
    if (openRecordId === null) return;
    // Cancelling asks why first (and, for a record of a series, which ones).
    const cancelBox = recordModalEl.querySelector('[data-cancel-box]');
    const choice = e.target.closest('[data-cancel-which]');
    if (choice && cancelBox) {
      const which = choice.dataset.cancelWhich;
      if (!which) { cancelBox.classList.add('d-none'); return; }
      await changeStatus(choice, 'cancelled', {
        which,
        reason: cancelBox.querySelector('[data-cancel-reason]').value,
        reason_comment: cancelBox.querySelector('[data-cancel-comment]').value,
      });
      return;
    }
    const button = e.target.closest('[data-record-status]');
    if (!button) return;
    if (button.dataset.recordStatus === 'cancelled' && cancelBox) {
      cancelBox.classList.remove('d-none');
      cancelBox.querySelector('[data-cancel-reason]').focus();
      return;
    }
    await changeStatus(button, button.dataset.recordStatus, {});
  });
  // ---- the visit dialog's change of services and specialist ----------------------------------
  // The ticked services in the order of the visit: the record's own first, then as ticked.
  let changeOrder = [];
  function resetChangeOrder() {
    const form = recordModalEl.querySelector('[data-record-change]');
    changeOrder = form ? form.dataset.order.split(' ').filter(Boolean) : [];
  }
  recordModalEl.addEventListener('change', async (e) => {
    const form = e.target.closest('[data-record-change]');
    if (!form) return;
    if (e.target.name === 'services') {
      changeOrder = changeOrder.filter((v) => v !== e.target.value);
      if (e.target.checked) changeOrder.push(e.target.value);
      return;
    }
    if (!e.target.matches('[data-record-change-specialist]')) return;
    // Another specialist: their services, with the ones they also perform still ticked.
    const box = form.querySelector('[data-record-change-services]');
    try {
      const data = await getJson(cfg.urls.services, {specialist: e.target.value});
      box.innerHTML = '';
      if (!data.services.length) box.innerHTML = `<div class="form-text">${esc(T.noServices)}</div>`;
      data.services.forEach((service) => {
        box.appendChild(serviceCheckbox(service, 'record-change-service', changeOrder.includes(String(service.id))));
      });
      const offered = data.services.map((service) => String(service.id));
      changeOrder = changeOrder.filter((v) => offered.includes(v));
    } catch (error) { recordError(T.network); }
  });
  recordModalEl.addEventListener('submit', async (e) => {
    const form = e.target.closest('[data-record-change]');
    if (!form) return;
    e.preventDefault();
    const ticked = Array.from(form.querySelectorAll('input[name=services]:checked')).map((i) => i.value);
    const services = changeOrder.filter((v) => ticked.includes(v)).concat(ticked.filter((v) => !changeOrder.includes(v)));
    const save = form.querySelector('[type=submit]');
    save.disabled = true;
    const result = await post(recordUrl(openRecordId, 'change'), {
      specialist: form.specialist.value,
      services,
      overbook: form.overbook.checked ? '1' : null,
    });
    save.disabled = false;
    if (!result.ok) { recordError(result.data.error); return; }
    toast(result.data.message || T.saved);
    refetch();
    openRecord(openRecordId);
  });

  recordModalEl.addEventListener('change', async (e) => {
    const box = e.target.closest('[data-record-prepaid]');
    if (!box || openRecordId === null) return;
    box.disabled = true;
    const result = await post(recordUrl(openRecordId, 'prepaid'), {prepaid: box.checked ? '1' : null});
    box.disabled = false;
    if (!result.ok) { box.checked = !box.checked; recordError(result.data.error); return; }
    toast(result.data.message || T.saved);
    refetch();
    openRecord(openRecordId);
  });
  recordModalEl.addEventListener('submit', async (e) => {
    const form = e.target.closest('[data-record-comment]');
    if (!form) return;
    e.preventDefault();
    const result = await post(recordUrl(openRecordId, 'comment'), {comment: form.comment.value});
    if (!result.ok) { recordError(result.data.error); return; }
    toast(result.data.message || T.saved);
    refetch();
  });
})();
