<#-- "Where are we at?": the four steps of the journey, the current one marked for eyes and screen readers. -->
<#macro steps current="connect">
  <#assign journey = ["connect", "mailbox", "password", "welcome"]>
  <#assign currentIndex = journey?seq_index_of(current)>
  <nav class="merchant-journey" aria-label="${msg('merchantJourneyLabel')}">
    <ol>
      <#list journey as step>
        <li class="merchant-journey__step<#if step_index == currentIndex> merchant-journey__step--current<#elseif step_index < currentIndex> merchant-journey__step--done</#if>"
            <#if step_index == currentIndex>aria-current="step"</#if>>
          <span class="merchant-journey__number" aria-hidden="true">${step_index + 1}</span>
          <span class="merchant-journey__label">${msg("merchantJourneyStep_" + step)}</span>
        </li>
      </#list>
    </ol>
  </nav>
</#macro>
