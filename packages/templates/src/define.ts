/**
 * `defineTemplate()`: a name, per-language words with `{{variables}}`, typed parameters.
 * @module
 */
import { parseConfig, SwitchboardError } from '@switchboard/core';
import { z } from 'zod';

/** One language of a template. */
export interface TemplateVariant {
  /** The body as approved, with `{{name}}` placeholders. Their first appearance gives WhatsApp's positional order. */
  text: string;
  /** The WhatsApp language code when it differs from the key (`en` keyed, `en_US` approved). */
  code?: string;
  /**
   * The Twilio content SID (`HX...`) this language was approved as: through Twilio's WhatsApp and
   * RCS the template goes out as `ContentSid` + `ContentVariables` (required outside the 24-hour
   * window since 2025-04-01). Without it, Twilio gets the filled text.
   */
  contentSid?: string;
}

/** What `defineTemplate` takes. */
export interface TemplateDefinition<S extends z.ZodObject> {
  /** The template's name, as approved by Meta. */
  name: string;
  /** Parameters, validated before sending (unknown ones refused). */
  params: S;
  /** Words per language code (`en_US`, `es`, `es_MX`...). */
  languages: Record<string, TemplateVariant | string>;
  /** The language used when none of the requested ones exists. Default: the first listed. */
  defaultLanguage?: string;
  /** Send WhatsApp parameters by name (`parameter_name`) instead of position. Default false. */
  namedParams?: boolean;
}

/** A defined template. */
export interface Template<S extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  readonly params: S;
  readonly languages: Readonly<Record<string, TemplateVariant>>;
  readonly defaultLanguage: string;
  readonly namedParams: boolean;
  /** The variant for `language`, falling back `es_MX` -> `es` -> the default. */
  resolve(language?: string): { language: string; code: string; variant: TemplateVariant };
  /** Validates parameters: missing, extra or mistyped ones throw INVALID_MESSAGE naming them. */
  validate(params: unknown): z.output<S>;
  /** The words with the parameters filled in. */
  fill(params: z.input<S>, language?: string): string;
  /** The body parameters in WhatsApp's positional order for `language`. */
  ordered(params: z.input<S>, language?: string): string[];
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The placeholders of a text, in order of first appearance. */
export function placeholders(text: string): string[] {
  const seen: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) if (!seen.includes(m[1]!)) seen.push(m[1]!);
  return seen;
}

/**
 * Defines a template.
 *
 * @example
 * ```ts
 * const orderStatus = defineTemplate({
 *   name: 'order_status',
 *   params: z.object({ order: z.string().min(1) }),
 *   languages: { en_US: 'Your order {{order}} is on its way.', es: 'Tu pedido {{order}} está en camino.' },
 * });
 * ```
 */
export function defineTemplate<S extends z.ZodObject>(definition: TemplateDefinition<S>): Template<S> {
  const languages: Record<string, TemplateVariant> = {};
  for (const [lang, v] of Object.entries(definition.languages))
    languages[lang] = typeof v === 'string' ? { text: v } : v;
  const codes = Object.keys(languages);
  if (!codes.length) throw new SwitchboardError('CONFIG_INVALID', `template ${definition.name}: no languages`);
  const defaultLanguage = definition.defaultLanguage ?? codes[0]!;
  if (!languages[defaultLanguage])
    throw new SwitchboardError(
      'CONFIG_INVALID',
      `template ${definition.name}: defaultLanguage ${defaultLanguage} has no words`,
    );
  const keys = Object.keys(definition.params.shape);
  for (const [lang, v] of Object.entries(languages)) {
    const unknown = placeholders(v.text).filter((p) => !keys.includes(p));
    if (unknown.length)
      throw new SwitchboardError(
        'CONFIG_INVALID',
        `template ${definition.name} (${lang}): {{${unknown.join('}}, {{')}}} not among its params`,
      );
  }
  // Extra parameters are an error, as Meta's 132000 is: strict.
  const schema = definition.params.strict();

  const resolve = (language?: string) => {
    const tries: string[] = [];
    if (language) {
      tries.push(language, language.replace('-', '_'));
      const base = language.split(/[-_]/)[0]!;
      tries.push(base, ...codes.filter((c) => c.split(/[-_]/)[0] === base));
    }
    tries.push(defaultLanguage);
    const lang = tries.find((t) => languages[t])!;
    const variant = languages[lang]!;
    return { language: lang, code: variant.code ?? lang, variant };
  };
  const validate = (params: unknown) => {
    const r = schema.safeParse(params ?? {});
    if (r.success) return r.data as z.output<S>;
    const problems = r.error.issues.map((i) =>
      i.code === 'unrecognized_keys'
        ? `unexpected ${(i as { keys: string[] }).keys.join(', ')}`
        : `${i.path.join('.') || '(params)'}: ${i.message}`,
    );
    throw new SwitchboardError('INVALID_MESSAGE', `template ${definition.name}: ${problems.join('; ')}`, {
      cause: r.error,
      details: { template: definition.name },
    });
  };
  const values = (params: z.input<S>) => validate(params) as Record<string, unknown>;

  return {
    name: definition.name,
    params: definition.params,
    languages,
    defaultLanguage,
    namedParams: definition.namedParams ?? false,
    resolve,
    validate,
    fill(params, language) {
      const v = values(params);
      return resolve(language).variant.text.replace(PLACEHOLDER, (_m, key: string) => String(v[key] ?? ''));
    },
    ordered(params, language) {
      const v = values(params);
      return placeholders(resolve(language).variant.text).map((k) => String(v[k] ?? ''));
    },
  };
}

/** A set of templates by name. */
export interface TemplateRegistry {
  /** The template named `name`; throws INVALID_MESSAGE when unknown. */
  get(name: string): Template;
  /** Every template. */
  list(): Template[];
}

/** Creates a registry. */
export function templateRegistry(templates: readonly Template[]): TemplateRegistry {
  const byName = new Map(templates.map((t) => [t.name, t]));
  if (byName.size !== templates.length) throw new SwitchboardError('CONFIG_INVALID', 'two templates share a name');
  return {
    get(name) {
      const t = byName.get(name);
      if (!t)
        throw new SwitchboardError(
          'INVALID_MESSAGE',
          `no template named ${name} (have: ${[...byName.keys()].join(', ')})`,
        );
      return t;
    },
    list: () => [...byName.values()],
  };
}

/** Options validated by parseConfig elsewhere; re-exported for symmetry. */
export const TemplateSendOptionsSchema = z.object({
  language: z.string().optional(),
  idempotencyKey: z.string().optional(),
});
/** Options of `sendTemplate`. */
export type TemplateSendOptions = z.input<typeof TemplateSendOptionsSchema>;
/** Parses send options. */
export const parseSendOptions = (o: unknown) => parseConfig(TemplateSendOptionsSchema, o, '@switchboard/templates');
