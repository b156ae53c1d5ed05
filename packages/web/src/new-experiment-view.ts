import { ApiProblem } from './api-client.js';
import type { AppContext } from './app-context.js';
import type { FieldError } from './api-types.js';
import { h, replaceChildren } from './dom.js';
import { fieldForPath, toCreateBody, type FormValues } from './experiment-form.js';
import { problemMessage } from './widgets.js';

const MIN_VARIANTS = 2;
const MAX_VARIANTS = 26;

/** A labelled control with its help text and a slot for the API's error about it. */
interface Field {
  readonly path: string;
  readonly control: HTMLInputElement | HTMLTextAreaElement | HTMLElement;
  readonly error: HTMLElement;
  readonly wrapper: HTMLElement;
}

function idFor(path: string): string {
  return `field-${path.replace(/[^a-zA-Z0-9]+/g, '-')}`;
}

function field(path: string, label: string, control: HTMLInputElement | HTMLTextAreaElement, help?: string): Field {
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

/** The form to define a new hypothesis; the API's validation errors appear next to their fields. */
export function renderNewExperiment(context: AppContext): HTMLElement {
  const fields = new Map<string, Field>();
  const add = (f: Field): HTMLElement => {
    fields.set(f.path, f);
    return f.wrapper;
  };
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });

  const key = field(
    'key',
    'Key',
    input({ required: true, pattern: '[a-z0-9][a-z0-9._-]*' }),
    'A unique slug: lowercase letters, digits, ".", "_" and "-". SDKs decide with it.',
  );
  const name = field('name', 'Name', input({ required: true }));
  const hypothesis = field(
    'hypothesis',
    'Hypothesis',
    h('textarea', { rows: '3', required: true }),
    'The sentence being tested, e.g. “A green checkout button raises purchases by 2%”.',
  );
  const owner = field('owner', 'Owner', input(), 'Team or person accountable for the decision.');
  const description = field('description', 'Description', h('textarea', { rows: '2' }));
  const primary = field(
    'metrics.primary',
    'Primary metric (conversion event name)',
    input({ required: true }),
    'The event the hypothesis is judged on, e.g. purchase.',
  );
  const guardrails = field(
    'metrics.guardrails',
    'Guardrail metrics',
    input(),
    'Comma-separated event names that must not get worse.',
  );
  const window = field(
    'metrics.conversionWindowHours',
    'Conversion window (hours)',
    input({ inputmode: 'numeric', placeholder: '168' }),
    'A conversion counts when it happens within this many hours of the first exposure.',
  );
  const coverage = field(
    'coverage',
    'Coverage (% of eligible units)',
    input({ inputmode: 'decimal', placeholder: '100' }),
  );
  const unitAttribute = field(
    'unitAttribute',
    'Unit attribute',
    input({ placeholder: 'userId' }),
    'The context attribute that identifies a unit.',
  );
  const targeting = field(
    'targeting',
    'Targeting condition (JSON)',
    h('textarea', { rows: '3', class: 'mono', placeholder: '{"country": {"$in": ["DE", "AT"]}}' }),
    'GrowthBook-style condition; leave empty to target everyone.',
  );
  const sticky = h('input', { type: 'checkbox', id: 'field-sticky', name: 'sticky' });

  const variantRows = h('div', { class: 'variant-rows' });
  const variantsError = h('p', { id: 'field-variants-error', class: 'field-error' });
  const variantsFieldset = h(
    'fieldset',
    { class: 'variants', 'data-path': 'variants', 'aria-describedby': 'field-variants-help field-variants-error' },
    h('legend', {}, 'Variants'),
    h(
      'p',
      { id: 'field-variants-help', class: 'help' },
      'The first variant is the control. Weights are percentages of the covered traffic and must sum to 100.',
    ),
    variantRows,
    variantsError,
  );
  fields.set('variants', {
    path: 'variants',
    control: variantsFieldset,
    error: variantsError,
    wrapper: variantsFieldset,
  });

  let variantCount = 0;
  const addVariantButton = h('button', { type: 'button', class: 'secondary' }, 'Add variant');
  /** Labels follow the rows' order, so "Variant 2" is always the second row after a removal. */
  const renumberVariants = () => {
    [...variantRows.children].forEach((rowElement, position) => {
      rowElement.querySelectorAll('label').forEach((label) => {
        label.textContent = (label.textContent ?? '').replace(/^Variant \d+/, `Variant ${position + 1}`);
      });
      rowElement.querySelector('[data-role="remove"]')?.setAttribute('aria-label', `Remove variant ${position + 1}`);
    });
  };
  const addVariant = (initial: { key: string; weight: string }) => {
    const index = variantCount;
    variantCount += 1;
    const parts = [
      field(
        `variants.${index}.key`,
        `Variant ${index + 1} key`,
        input({ value: initial.key, 'data-role': 'key', required: true }),
      ),
      field(
        `variants.${index}.weight`,
        `Variant ${index + 1} weight (%)`,
        input({ value: initial.weight, inputmode: 'decimal', 'data-role': 'weight', required: true }),
      ),
      field(`variants.${index}.description`, `Variant ${index + 1} description`, input({ 'data-role': 'description' })),
    ];
    for (const part of parts) fields.set(part.path, part);
    const remove = h(
      'button',
      { type: 'button', class: 'secondary', 'data-role': 'remove', 'aria-label': `Remove variant ${index + 1}` },
      'Remove',
    );
    const rowElement = h(
      'div',
      { class: 'variant-row', 'data-variant': String(index) },
      ...parts.map((p) => p.wrapper),
      remove,
    );
    remove.addEventListener('click', () => {
      if (variantRows.children.length <= MIN_VARIANTS) return;
      for (const part of parts) fields.delete(part.path);
      rowElement.remove();
      renumberVariants();
      addVariantButton.focus();
    });
    variantRows.append(rowElement);
  };
  addVariantButton.addEventListener('click', () => {
    if (variantRows.children.length >= MAX_VARIANTS) return;
    addVariant({ key: '', weight: '' });
    variantRows.lastElementChild?.querySelector('input')?.focus();
  });
  addVariant({ key: 'control', weight: '50' });
  addVariant({ key: 'treatment', weight: '50' });

  const submit = h('button', { type: 'submit', class: 'primary' }, 'Create draft');
  const form = h(
    'form',
    { class: 'card experiment-form', novalidate: true },
    summary,
    h(
      'fieldset',
      {},
      h('legend', {}, 'Hypothesis'),
      add(key),
      add(name),
      add(hypothesis),
      add(owner),
      add(description),
    ),
    h('fieldset', {}, h('legend', {}, 'Metrics'), add(primary), add(guardrails), add(window)),
    variantsFieldset,
    addVariantButton,
    h(
      'fieldset',
      {},
      h('legend', {}, 'Audience'),
      add(coverage),
      add(unitAttribute),
      add(targeting),
      h(
        'div',
        { class: 'field checkbox' },
        sticky,
        h(
          'label',
          { for: 'field-sticky' },
          'Sticky: keep each unit in its first recorded variant even if weights change',
        ),
      ),
    ),
    h('div', { class: 'actions' }, submit, h('a', { href: '#/', class: 'button secondary' }, 'Cancel')),
  );

  const value = (f: Field): string =>
    f.control instanceof HTMLInputElement || f.control instanceof HTMLTextAreaElement ? f.control.value : '';
  const readValues = (): FormValues => ({
    key: value(key),
    name: value(name),
    hypothesis: value(hypothesis),
    owner: value(owner),
    description: value(description),
    primaryMetric: value(primary),
    guardrails: value(guardrails),
    conversionWindowHours: value(window),
    coverage: value(coverage),
    unitAttribute: value(unitAttribute),
    sticky: sticky.checked,
    targeting: value(targeting),
    variants: [...variantRows.children].map((rowElement) => {
      const read = (role: string) => rowElement.querySelector<HTMLInputElement>(`[data-role="${role}"]`)?.value ?? '';
      return { key: read('key'), weight: read('weight'), description: read('description') };
    }),
  });

  /** Variant rows keep the index they were created with; the API numbers them in order. */
  const pathOfRow = (path: string): string => {
    const match = /^variants\.(\d+)(\..*)?$/.exec(path);
    if (match === null) return path;
    const rowElement = variantRows.children[Number(match[1])];
    const created = rowElement instanceof HTMLElement ? rowElement.dataset['variant'] : undefined;
    return created === undefined ? path : `variants.${created}${match[2] ?? ''}`;
  };

  const clearErrors = () => {
    for (const f of fields.values()) {
      f.error.textContent = '';
      f.control.removeAttribute('aria-invalid');
      f.wrapper.classList.remove('has-error');
    }
    summary.hidden = true;
    replaceChildren(summary);
  };

  const showErrors = (errors: readonly FieldError[], title: string) => {
    const items: HTMLElement[] = [];
    for (const error of errors) {
      const target = fieldForPath(pathOfRow(error.path), fields.keys());
      const f = target === null ? undefined : fields.get(target);
      if (f === undefined) {
        items.push(h('li', {}, `${error.path === '' ? 'Request' : error.path}: ${error.message}`));
        continue;
      }
      f.error.textContent = f.error.textContent === '' ? error.message : `${f.error.textContent} ${error.message}`;
      f.control.setAttribute('aria-invalid', 'true');
      f.wrapper.classList.add('has-error');
      const focusTarget = f.control.id === '' ? undefined : f.control.id;
      items.push(
        h(
          'li',
          {},
          focusTarget === undefined
            ? `${error.path}: ${error.message}`
            : h(
                'a',
                {
                  href: `#${focusTarget}`,
                  onclick: (event: Event) => {
                    event.preventDefault();
                    f.control.focus();
                  },
                },
                `${error.path}: ${error.message}`,
              ),
        ),
      );
    }
    replaceChildren(summary, h('h2', {}, title), h('ul', {}, ...items));
    summary.hidden = false;
    summary.focus();
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors();
    const { body, errors } = toCreateBody(readValues());
    if (errors.length > 0) {
      showErrors(errors, 'Please fix these fields');
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
          showErrors(failure.errors, `The server refused the hypothesis: ${failure.message}`);
        else showErrors([{ path: '', message: problemMessage(failure) }], 'The hypothesis could not be saved');
      })
      .finally(() => {
        submit.disabled = false;
      });
  });

  return h(
    'div',
    {},
    h('p', {}, h('a', { href: '#/' }, '← All experiments')),
    h('h1', { tabindex: '-1' }, 'New hypothesis'),
    form,
  );
}
