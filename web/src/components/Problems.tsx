import { adviceFor, type ApiProblem } from '../api/problems';

/** API errors by code and message, with what to do where the code says. Announced to screen readers. */
export function Problems({ problems, title }: { problems: readonly ApiProblem[]; title?: string }) {
  if (problems.length === 0) return null;
  return (
    <div className="problems" role="alert">
      {title && <strong>{title}</strong>}
      <ul>
        {problems.map((p, i) => (
          <li key={i}>
            <code className="code">{p.code}</code> {p.message}
            {adviceFor(p.code) && <div className="advice">{adviceFor(p.code)}</div>}
          </li>
        ))}
      </ul>
    </div>
  );
}
