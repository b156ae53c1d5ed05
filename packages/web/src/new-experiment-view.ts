import { ApiProblem } from './api-client.js';
import type { AppContext } from './app-context.js';
import type { FieldError } from './api-types.js';
import { h, replaceChildren } from './dom.js';
import { fieldForPath, toCreateBody, type FormValues } from './experiment-form.js';
import { backLink, problemMessage } from './widgets.js';

const MIN_VARIANTS = 2;
const MAX_VARIANTS = 26;

/** A labelled control with its help text and a slot for the API's error about it. */
interface Field {
  readonly path: string;
  readonly control: HTMLInputElement | HTMLTextAreaElement | HTMLElement;
  readonly error: HTMLElement;
  readonly wrapper: HTMLElement;
}

/** The form's fields by the API path they edit, so each error the API names finds its field. */
type FieldsByPath = Map<string, Field>;

function idFor(path: string): string {
  return `field-${path.replace(/[^a-zA-Z0-9]+/g, '-')}`;
}

function field(options: {
  path: string;
  label: string;
  control: HTMLInputElement | HTMLTextAreaElement;
  help?: string;
}): Field {
  const { path, label, control, help } = options;
  const id = idFor(path);
  control.id = id;
  control.name = path;
  const error = h('p', { id: `${id}-error`, class: 'field-error' });
  const helpText = help === undefined ? null : h('p', { id: `${id}-help`, class: 'help' }, help);
  control.setAttribute(
    'aria-describedby',
    [helpText === null ? null : `${id}-help`, `${id}-error`].filter((x) => x !== null).join(' '),
  );
  const wrapper = h(
    'div',
    { class: 'field', 'data-path': path },
    h('label', { for: id }, label),
    control,
    helpText,
    error,
  );
  return { path, control, error, wrapper };
}

function input(attributes: Record<string, string | boolean> = {}): HTMLInputElement {
  return h('input', { type: 'text', autocomplete: 'off', ...attributes });
}

function valueOf(f: Field): string {
  return f.control instanceof HTMLInputElement || f.control instanceof HTMLTextAreaElement ? f.control.value : '';
}

/** Every free-text field of the form (variants aside), by what it holds. */
function createTextFields() {
  return {
    key: field({
      path: 'key',
      label: 'Key',
      control: input({ required: true, pattern: '[a-z0-9][a-z0-9._-]*' }),
      help: 'A unique slug: lowercase letters, digits, ".", "_" and "-". SDKs decide with it.',
    }),
    name: field({ path: 'name', label: 'Name', control: input({ required: true }) }),
    hypothesis: field({
      path: 'hypothesis',
      label: 'Hypothesis',
      control: h('textarea', { rows: '3', required: true }),
      help: 'The sentence being tested, e.g. “A green checkout button raises purchases by 2%”.',
    }),
    owner: field({
      path: 'owner',
      label: 'Owner',
      control: input(),
      help: 'Team or person accountable for the decision.',
    }),
    description: field({ path: 'description', label: 'Description', control: h('textarea', { rows: '2' }) }),
    primaryMetric: field({
      path: 'metrics.primary',
      label: 'Primary metric (conversion event name)',
      control: input({ required: true }),
      help: 'The event the hypothesis is judged on, e.g. purchase.',
    }),
    guardrails: field({
      path: 'metrics.guardrails',
      label: 'Guardrail metrics',
      control: input(),
      help: 'Comma-separated event names that must not get worse.',
    }),
    conversionWindowHours: field({
      path: 'metrics.conversionWindowHours',
      label: 'Conversion window (hours)',
      control: input({ inputmode: 'numeric', placeholder: '168' }),
      help: 'A conversion counts when it happens within this many hours of the first exposure.',
    }),
    coverage: field({
      path: 'coverage',
      label: 'Coverage (% of eligible units)',
      control: input({ inputmode: 'decimal', placeholder: '100' }),
    }),
    unitAttribute: field({
      path: 'unitAttribute',
      label: 'Unit attribute',
      control: input({ placeholder: 'userId' }),
      help: 'The context attribute that identifies a unit.',
    }),
    targeting: field({
      path: 'targeting',
      label: 'Targeting condition (JSON)',
      control: h('textarea', { rows: '3', class: 'mono', placeholder: '{"country": {"$in": ["DE", "AT"]}}' }),
      help: 'GrowthBook-style condition; leave empty to target everyone.',
    }),
  } satisfies Record<string, Field>;
}

type TextFields = ReturnType<typeof createTextFields>;

/** The variants fieldset: a row per variant, added and removed by the user. */
interface VariantRows {
  readonly fieldset: HTMLElement;
  readonly addButton: HTMLButtonElement;
  /** The rows' values, in their order on the page. */
  read(): FormValues['variants'];
  /** The path of the field an API path names (`variants.1.key`: the second row's key). */
  fieldPath(path: string): string;
}

function createVariantRows(fields: FieldsByPath): VariantRows {
  const rows = h('div', { class: 'variant-rows' });
  const error = h('p', { id: 'field-variants-error', class: 'field-error' });
  const fieldset = h(
    'fieldset',
    { class: 'variants', 'data-path': 'variants', 'aria-describedby': 'field-variants-help field-variants-error' },
    h('legend', {}, 'Variants'),
    h(
      'p',
      { id: 'field-variants-help', class: 'help' },
      'The first variant is the control. Weights are percentages of the covered traffic and must sum to 100.',
    ),
    rows,
    error,
  );
  fields.set('variants', { path: 'variants', control: fieldset, error, wrapper: fieldset });
  const addButton = h('button', { type: 'button', class: 'secondary' }, 'Add variant');

  /** Labels follow the rows' order, so "Variant 2" is always the second row after a removal. */
  const renumber = () => {
    [...rows.children].forEach((row, position) => {
      row.querySelectorAll('label').forEach((label) => {
        label.textContent = (label.textContent ?? '').replace(/^Variant \d+/, `Variant ${position + 1}`);
      });
      row.querySelector('[data-role="remove"]')?.setAttribute('aria-label', `Remove variant ${position + 1}`);
    });
  };

  // A row keeps the index it was created with in its fields' paths, whatever is removed before it.
  let created = 0;
  const addRow = (initial: { key: string; weight: string }) => {
    const index = created;
    created += 1;
    const parts = [
      field({
        path: `variants.${index}.key`,
        label: `Variant ${index + 1} key`,
        control: input({ value: initial.key, 'data-role': 'key', required: true }),
      }),
      field({
        path: `variants.${index}.weight`,
        label: `Variant ${index + 1} weight (%)`,
        control: input({ value: initial.weight, inputmode: 'decimal', 'data-role': 'weight', required: true }),
      }),
      field({
        path: `variants.${index}.description`,
        label: `Variant ${index + 1} description`,
        control: input({ 'data-role': 'description' }),
      }),
    ];
    for (const part of parts) fields.set(part.path, part);
    const remove = h(
      'button',
      { type: 'button', class: 'secondary', 'data-role': 'remove', 'aria-label': `Remove variant ${index + 1}` },
      'Remove',
    );
    const row = h(
      'div',
      { class: 'variant-row', 'data-variant': String(index) },
      ...parts.map((p) => p.wrapper),
      remove,
    );
    remove.addEventListener('click', () => {
      if (rows.children.length <= MIN_VARIANTS) return;
      for (const part of parts) fields.delete(part.path);
      row.remove();
      renumber();
      addButton.focus();
    });
    rows.append(row);
  };
  addButton.addEventListener('click', () => {
    if (rows.children.length >= MAX_VARIANTS) return;
    addRow({ key: '', weight: '' });
    rows.lastElementChild?.querySelector('input')?.focus();
  });
  addRow({ key: 'control', weight: '50' });
  addRow({ key: 'treatment', weight: '50' });

  return {
    fieldset,
    addButton,
    read: () =>
      [...rows.children].map((row) => {
        const read = (role: string) => row.querySelector<HTMLInputElement>(`[data-role="${role}"]`)?.value ?? '';
        return { key: read('key'), weight: read('weight'), description: read('description') };
      }),
    fieldPath: (path) => {
      const match = /^variants\.(\d+)(\..*)?$/.exec(path);
      if (match === null) return path;
      const row = rows.children[Number(match[1])];
      const createdAs = row instanceof HTMLElement ? row.dataset['variant'] : undefined;
      return createdAs === undefined ? path : `variants.${createdAs}${match[2] ?? ''}`;
    },
  };
}

/** Field errors beside their fields, and all of them in a summary at the top that links to each. */
interface ErrorDisplay {
  readonly summary: HTMLElement;
  clear(): void;
  show(errors: readonly FieldError[], options: { title: string }): void;
}

/** Marks `f` invalid with `message` (after any earlier message about it). */
function markInvalid(f: Field, message: string): void {
  f.error.textContent = f.error.textContent === '' ? message : `${f.error.textContent} ${message}`;
  f.control.setAttribute('aria-invalid', 'true');
  f.wrapper.classList.add('has-error');
}

/** The summary's line for an error: a link that moves focus to its field, when it has one. */
function summaryItem(error: FieldError, f: Field | undefined): HTMLElement {
  if (f === undefined) return h('li', {}, `${error.path === '' ? 'Request' : error.path}: ${error.message}`);
  const text = `${error.path}: ${error.message}`;
  if (f.control.id === '') return h('li', {}, text);
  const focusField = (event: Event) => {
    event.preventDefault();
    f.control.focus();
  };
  return h('li', {}, h('a', { href: `#${f.control.id}`, onclick: focusField }, text));
}

function createErrorDisplay(fields: FieldsByPath, fieldPath: (path: string) => string): ErrorDisplay {
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
  return {
    summary,
    clear() {
      for (const f of fields.values()) {
        f.error.textContent = '';
        f.control.removeAttribute('aria-invalid');
        f.wrapper.classList.remove('has-error');
      }
      summary.hidden = true;
      replaceChildren(summary);
    },
    show(errors, options) {
      const items = errors.map((error) => {
        const target = fieldForPath(fieldPath(error.path), fields.keys());
        const f = target === null ? undefined : fields.get(target);
        if (f !== undefined) markInvalid(f, error.message);
        return summaryItem(error, f);
      });
      replaceChildren(summary, h('h2', {}, options.title), h('ul', {}, ...items));
      summary.hidden = false;
      summary.focus();
    },
  };
}

function stickyCheckbox(): { checkbox: HTMLInputElement; wrapper: HTMLElement } {
  const checkbox = h('input', { type: 'checkbox', id: 'field-sticky', name: 'sticky' });
  const wrapper = h(
    'div',
    { class: 'field checkbox' },
    checkbox,
    h('label', { for: 'field-sticky' }, 'Sticky: keep each unit in its first recorded variant even if weights change'),
  );
  return { checkbox, wrapper };
}

/** The form to define a new hypothesis; the API's validation errors appear next to their fields. */
export function renderNewExperiment(context: AppContext): HTMLElement {
  const fields: FieldsByPath = new Map();
  const text: TextFields = createTextFields();
  for (const f of Object.values(text)) fields.set(f.path, f);
  const variants = createVariantRows(fields);
  const sticky = stickyCheckbox();
  const errors = createErrorDisplay(fields, variants.fieldPath);
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Create draft');
  const fieldsetOf = (legend: string, ...children: HTMLElement[]) =>
    h('fieldset', {}, h('legend', {}, legend), ...children);
  const form = h(
    'form',
    { class: 'card experiment-form', novalidate: true },
    errors.summary,
    fieldsetOf(
      'Hypothesis',
      text.key.wrapper,
      text.name.wrapper,
      text.hypothesis.wrapper,
      text.owner.wrapper,
      text.description.wrapper,
    ),
    fieldsetOf('Metrics', text.primaryMetric.wrapper, text.guardrails.wrapper, text.conversionWindowHours.wrapper),
    variants.fieldset,
    variants.addButton,
    fieldsetOf('Audience', text.coverage.wrapper, text.unitAttribute.wrapper, text.targeting.wrapper, sticky.wrapper),
    h('div', { class: 'actions' }, submit, h('a', { href: '#/', class: 'button secondary' }, 'Cancel')),
  );

  const readValues = (): FormValues => ({
    key: valueOf(text.key),
    name: valueOf(text.name),
    hypothesis: valueOf(text.hypothesis),
    owner: valueOf(text.owner),
    description: valueOf(text.description),
    primaryMetric: valueOf(text.primaryMetric),
    guardrails: valueOf(text.guardrails),
    conversionWindowHours: valueOf(text.conversionWindowHours),
    coverage: valueOf(text.coverage),
    unitAttribute: valueOf(text.unitAttribute),
    sticky: sticky.checkbox.checked,
    targeting: valueOf(text.targeting),
    variants: variants.read(),
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    errors.clear();
    const { body, errors: invalid } = toCreateBody(readValues());
    if (invalid.length > 0) {
      errors.show(invalid, { title: 'Please fix these fields' });
      return;
    }
    submit.disabled = true;
    context.api
      .createExperiment(body)
      .then((created) => {
        context.announce(`Draft ${created.key} created.`);
        context.navigate(`#/experiments/${encodeURIComponent(created.key)}`);
      })
      .catch((failure: unknown) => {
        if (failure instanceof ApiProblem && failure.errors.length > 0)
          errors.show(failure.errors, { title: `The server refused the hypothesis: ${failure.message}` });
        else
          errors.show([{ path: '', message: problemMessage(failure) }], {
            title: 'The hypothesis could not be saved',
          });
      })
      .finally(() => {
        submit.disabled = false;
      });
  });

  return h('div', {}, backLink(), h('h1', { tabindex: '-1' }, 'New hypothesis'), form);
}
